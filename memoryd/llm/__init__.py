"""LLM mode: extraction through any OpenAI-compatible chat endpoint, with cost control."""
