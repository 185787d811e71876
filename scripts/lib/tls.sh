# Sourced by scripts/up and the integration tests. Creates handin's TLS
# material with OpenSSL: a course CA and one certificate, valid for
# localhost and 127.0.0.1, that every service on this machine uses both to
# serve and (for mutual TLS) to call the others. Nothing here is committed.

# handin_make_tls DIR [HOST...] — creates DIR/{ca.pem,ca.key,server.pem,
# server.key} unless DIR/server.pem already exists. Keys are readable by the
# owner only. Each HOST (a DNS name, e.g. `storage` in docker-compose.yml or
# `storage-0.storage.handin.svc` on Kubernetes) is added to the
# certificate's names, besides localhost and 127.0.0.1.
handin_make_tls() {
  local dir=$1
  shift
  local names="DNS:localhost,IP:127.0.0.1,IP:::1" host
  for host in "$@"; do names="$names,DNS:$host"; done
  [ -f "$dir/server.pem" ] && [ -f "$dir/ca.pem" ] && return 0
  mkdir -p "$dir"
  chmod 700 "$dir"
  (
    set -e
    cd "$dir"
    umask 077
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -keyout ca.key -out ca.pem -days 825 -subj "/CN=handin course CA" \
      -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
    printf '%s\n' \
      "basicConstraints=CA:FALSE" \
      "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth,clientAuth" \
      "subjectAltName=$names" > server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
      -CAcreateserial -out server.pem -days 825 -extfile server.ext 2>/dev/null
    rm -f server.csr server.ext ca.srl
    chmod 644 ca.pem server.pem
  )
}
