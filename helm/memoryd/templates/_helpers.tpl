{{/*
Expand the name of the chart.
*/}}
{{- define "memoryd.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
A fully qualified app name, truncated at 63 characters (the DNS label limit).
If the release name contains the chart name it is used as the full name.
*/}}
{{- define "memoryd.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, as used by the chart label.
*/}}
{{- define "memoryd.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "memoryd.labels" -}}
{{ include "memoryd.selectorLabels" . }}
{{ include "memoryd.commonLabels" . }}
{{- end }}

{{/*
Labels without the selector ones: for pods no Service, PDB or policy may select.
*/}}
{{- define "memoryd.commonLabels" -}}
helm.sh/chart: {{ include "memoryd.chart" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: memoryd
{{- end }}

{{/*
Selector labels (immutable on a Deployment: never add to them).
*/}}
{{- define "memoryd.selectorLabels" -}}
app.kubernetes.io/name: {{ include "memoryd.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "memoryd.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "memoryd.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "memoryd.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
The Secret mounted as the secrets directory, or "" when there is none.
*/}}
{{- define "memoryd.secretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else if .Values.secrets.values }}
{{- include "memoryd.fullname" . }}
{{- end }}
{{- end }}

{{/*
preStop sleep + the daemon's drain budget + a margin: the kubelet must not SIGKILL a
replica that is still finishing and acknowledging its in-flight batches.
*/}}
{{- define "memoryd.terminationGracePeriodSeconds" -}}
{{- add (int .Values.preStopSleepSeconds) (int (ceil .Values.shutdownGraceSeconds)) (int .Values.terminationGraceMarginSeconds) }}
{{- end }}

{{/*
Settings the chart reads from `config`, with the daemon's defaults.
*/}}
{{- define "memoryd.transport" -}}
{{- dig "transport" "nats" .Values.config }}
{{- end }}

{{/*
Combinations that render fine but cannot work: fail at install time.
*/}}
{{- define "memoryd.validate" -}}
{{- if and .Values.autoscaling.enabled .Values.keda.enabled }}
{{- fail "autoscaling.enabled and keda.enabled exclude each other: both would own the Deployment's replicas" }}
{{- end }}
{{- $scaled := or .Values.autoscaling.enabled .Values.keda.enabled (gt (int .Values.replicaCount) 1) }}
{{- if and (eq (dig "store" "kind" "edge" .Values.config) "edge") $scaled }}
{{- fail "config.store.kind edge keeps one replica's memory on its own disk: use store.kind qdrant with store.url for more than one replica" }}
{{- end }}
{{- if and (eq (dig "store" "kind" "edge" .Values.config) "qdrant") (not (dig "store" "url" "" .Values.config)) }}
{{- fail "config.store.kind qdrant needs config.store.url (e.g. http://qdrant:6333)" }}
{{- end }}
{{- if and .Values.keda.enabled (eq (include "memoryd.transport" .) "nats") (not .Values.keda.nats.monitoringEndpoint) }}
{{- fail "keda.nats.monitoringEndpoint is required for the nats-jetstream trigger (e.g. nats.nats.svc:8222)" }}
{{- end }}
{{- end }}
