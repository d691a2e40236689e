{{/*
Name of the release's gateway-mode objects: the release name, with the chart name appended unless the release
name already contains it.
*/}}
{{- define "infergate.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The InferencePool's name (picker mode). */}}
{{- define "infergate.poolName" -}}
{{- .Values.inferencePool.name | default .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The Endpoint Picker's Deployment, Service and ServiceAccount name (picker mode): <pool>-epp, as the reference chart. */}}
{{- define "infergate.eppName" -}}
{{- printf "%s-epp" (include "infergate.poolName" . | lower | trunc 40 | trimSuffix "-") -}}
{{- end -}}

{{/* Name of the workload objects of the current mode. */}}
{{- define "infergate.name" -}}
{{- if eq .Values.mode "picker" -}}
{{- include "infergate.eppName" . -}}
{{- else -}}
{{- include "infergate.fullname" . -}}
{{- end -}}
{{- end -}}

{{- define "infergate.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (include "infergate.name" .) -}}
{{- end -}}

{{- define "infergate.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* "true" when leader election is on: more than one replica, or asked for. */}}
{{- define "infergate.leaderElection" -}}
{{- if or (gt (int .Values.replicas) 1) .Values.leaderElection.enabled -}}
true
{{- end -}}
{{- end -}}

{{- define "infergate.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: {{ ternary "endpoint-picker" "gateway" (eq .Values.mode "picker") }}
{{- end -}}

{{- define "infergate.labels" -}}
{{ include "infergate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* The EndpointPickerConfig text, whether the value is YAML text or a map. */}}
{{- define "infergate.pickerConfigText" -}}
{{- $c := .Values.picker.endpointPickerConfig -}}
{{- if kindIs "string" $c -}}
{{- $c -}}
{{- else if $c -}}
{{- toYaml $c -}}
{{- end -}}
{{- end -}}

{{/*
Pod-level settings shared by both modes: service account, grace period, security context, scheduling.
The grace period mirrors the reference Endpoint Picker: long enough for the longest in-flight stream to end.
*/}}
{{- define "infergate.podSpecCommon" -}}
serviceAccountName: {{ include "infergate.serviceAccountName" . }}
terminationGracePeriodSeconds: 130
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Container environment shared by both modes: the downward API's namespace and Pod name. */}}
{{- define "infergate.env" -}}
- name: NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- with .Values.javaToolOptions }}
- name: JAVA_TOOL_OPTIONS
  value: {{ . | quote }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}
