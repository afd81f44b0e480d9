#!/bin/sh
# The nginx container's start: render deploy/nginx.conf the way `newsdesk nginx-config` does
# (every {{NAME}} from the environment variable NAME), then run nginx.
set -eu
# The app's request body limits by default (settings.py: REQUEST_MAX_BYTES, PICTURE_UPLOAD_MAX_BYTES
# and PICTURE_MAX_BYTES in words); set them with the app's when PICTURE_MAX_BYTES is changed.
: "${REQUEST_MAX_BYTES:=2097152}" "${PICTURE_UPLOAD_MAX_BYTES:=23068672}" "${PICTURE_MAX_SIZE:=20MB}"
for name in SERVER_NAME LISTEN UPSTREAM STATIC_ROOT CACHE_DIR PURGE_SECRET REQUEST_MAX_BYTES PICTURE_UPLOAD_MAX_BYTES PICTURE_MAX_SIZE; do
  eval "value=\${$name:-}"
  [ -n "$value" ] || { echo "nginx-entrypoint: $name is not set" >&2; exit 1; }
  case "$value" in *[\;\{\}\"\'\#\$\\\|\&]*) echo "nginx-entrypoint: $name has a character nginx would misread" >&2; exit 1;; esac
done
# Comment lines keep their placeholders, as in `newsdesk nginx-config`.
sed -e "/^[[:space:]]*#/!{
s|{{SERVER_NAME}}|$SERVER_NAME|g
s|{{LISTEN}}|$LISTEN|g
s|{{UPSTREAM}}|$UPSTREAM|g
s|{{STATIC_ROOT}}|$STATIC_ROOT|g
s|{{CACHE_DIR}}|$CACHE_DIR|g
s|{{PURGE_SECRET}}|$PURGE_SECRET|g
s|{{REQUEST_MAX_BYTES}}|$REQUEST_MAX_BYTES|g
s|{{PICTURE_UPLOAD_MAX_BYTES}}|$PICTURE_UPLOAD_MAX_BYTES|g
s|{{PICTURE_MAX_SIZE}}|$PICTURE_MAX_SIZE|g
}" /etc/newsdesk/nginx.conf.template > /etc/nginx/conf.d/default.conf
exec nginx -g 'daemon off;'
