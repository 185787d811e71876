# Sourced by scripts/up and the integration tests. Creates handin's signing
# keys with OpenSSL. Nothing here is committed.

# handin_make_keys DIR — creates, unless they exist, DIR/receipt.key
# (Ed25519, owner-only; intake signs receipts with it) and DIR/receipt.pub
# (its public half, for students to verify receipts offline), and
# DIR/token.key (EC P-256, owner-only; `handin-admin token issue` signs
# bearer tokens with it) and DIR/token.pub (the services verify tokens
# with it).
handin_make_keys() {
  local dir=$1
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [ ! -f "$dir/receipt.key" ]; then
    (umask 077 && openssl genpkey -algorithm ed25519 -out "$dir/receipt.key")
  fi
  if [ ! -f "$dir/receipt.pub" ]; then
    openssl pkey -in "$dir/receipt.key" -pubout -out "$dir/receipt.pub"
    chmod 644 "$dir/receipt.pub"
  fi
  if [ ! -f "$dir/token.key" ]; then
    (umask 077 && openssl genpkey -algorithm EC \
      -pkeyopt ec_paramgen_curve:P-256 -out "$dir/token.key")
  fi
  if [ ! -f "$dir/token.pub" ]; then
    openssl pkey -in "$dir/token.key" -pubout -out "$dir/token.pub"
    chmod 644 "$dir/token.pub"
  fi
}

# handin_issue_service_tokens ADMIN DIR — (re)issues, with DIR/token.key and
# the handin-admin binary ADMIN, each service's own token:
# DIR/<service>.token (owner-only) for intake, deadline, grading and
# gateway, role service, course "*" (a service acts for the whole
# deployment), valid 30 days. A service presents it on its calls to the
# others (--service_token). Issued anew on every start.
handin_issue_service_tokens() {
  local admin=$1 dir=$2 service
  for service in intake deadline grading gateway; do
    (umask 077 && "$admin" token issue --key "$dir/token.key" \
      --user "$service" --role service --course '*' --ttl 30d \
      >"$dir/$service.token")
  done
}
