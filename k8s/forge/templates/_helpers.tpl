{{/*
Names and labels. Every object is named after the release ("forge" → forge-gateway; "blue" → blue-forge-gateway), so
two releases share a namespace without colliding; selectors carry the release, so one release never selects the
other's pods.
*/}}
{{- define "forge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "forge.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "forge.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "forge.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* A component's object name: (dict "ctx" $ "component" "gateway") → forge-gateway */}}
{{- define "forge.component" -}}
{{- printf "%s-%s" (include "forge.fullname" .ctx) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "forge.selectorLabels" -}}
app.kubernetes.io/name: {{ include "forge.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* A component's labels: the release-wide ones, its component and the application version */}}
{{- define "forge.labels" -}}
{{ include "forge.commonLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
{{- end }}

{{/* Labels of release-wide objects (ConfigMap, Secret, ServiceAccount, Ingress) */}}
{{- define "forge.commonLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "forge.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: forge
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "forge.configName" -}}
{{ include "forge.fullname" . }}-config
{{- end }}

{{- define "forge.secretName" -}}
{{ include "forge.fullname" . }}-secrets
{{- end }}

{{- define "forge.serviceAccountName" -}}
{{ include "forge.fullname" . }}
{{- end }}

{{/* Pods roll when the configuration or the secrets change: both are in config.yaml */}}
{{- define "forge.configChecksum" -}}
checksum/config: {{ include (print .Template.BasePath "/config.yaml") . | sha256sum }}
{{- end }}

{{/* An environment variable read from the release's Secret under its own name: (dict "ctx" $ "key" "X") */}}
{{- define "forge.secretEnv" -}}
- name: {{ .key }}
  valueFrom:
    secretKeyRef: {name: {{ include "forge.secretName" .ctx }}, key: {{ .key }}}
{{- end }}

{{/* Where a dependency is reached: the bundled one's Service, or the external host the values name */}}
{{- define "forge.postgresHost" -}}
{{- if .Values.postgres.enabled }}{{ include "forge.fullname" . }}-postgres{{ else }}{{ required "postgres.host is needed when postgres.enabled=false" .Values.postgres.host }}{{ end }}
{{- end }}

{{- define "forge.redisHost" -}}
{{- if .Values.redis.enabled }}{{ include "forge.fullname" . }}-redis{{ else }}{{ required "redis.host is needed when redis.enabled=false" .Values.redis.host }}{{ end }}
{{- end }}

{{- define "forge.rabbitmqHost" -}}
{{- if .Values.rabbitmq.enabled }}{{ include "forge.fullname" . }}-rabbitmq{{ else }}{{ required "rabbitmq.host is needed when rabbitmq.enabled=false" .Values.rabbitmq.host }}{{ end }}
{{- end }}

{{- define "forge.consulHost" -}}
{{- if .Values.consul.bundled }}{{ include "forge.fullname" . }}-consul{{ else }}{{ required "consul.host is needed when consul.bundled=false" .Values.consul.host }}{{ end }}
{{- end }}

{{- define "forge.s3Endpoint" -}}
{{- if .Values.s3.enabled }}http://{{ include "forge.fullname" . }}-s3:9000{{ else }}{{ required "s3.endpoint is needed when s3.enabled=false" .Values.s3.endpoint }}{{ end }}
{{- end }}
