#!/bin/sh
# The compose cluster's secrets, made once by its 'secrets' service (docker-compose.yml) and kept in volumes:
#   /ca       the cluster CA with its private key: only this service mounts it, so a node never holds the CA key;
#   /secrets  what the nodes mount read-only: ca.crt, nN.crt/nN.key (names nodeN, nN, localhost, 127.0.0.1),
#             token.key (the token signing key), data.key (encryption at rest) and admin.token / reader.token
#             (valid 30 days).
# Run again (docker compose run --rm secrets) after deleting a file to re-issue just that one.
set -eu
ca=${DSYNC_CA_DIR:-/ca}
out=${DSYNC_SECRETS_DIR:-/secrets}
[ -f "$ca/ca.crt" ] || dsync certs init --dir "$ca" --name dsync-compose
for i in 1 2 3; do
  if [ ! -f "$out/n$i.crt" ]; then
    rm -f "$ca/n$i.crt" "$ca/n$i.key"
    dsync certs issue "n$i" --dir "$ca" --dns "node$i"
    cp "$ca/n$i.crt" "$out/n$i.crt"
    (umask 077; cp "$ca/n$i.key" "$out/n$i.key")
  fi
done
cp "$ca/ca.crt" "$out/ca.crt"
[ -f "$out/token.key" ] || dsync token init-key --key-file "$out/token.key"
# the data key: journals and snapshots (in the node volumes and Redis) are encrypted with it at rest
[ -f "$out/data.key" ] || dsync datakey init --file "$out/data.key"
for role in admin reader; do
  [ -s "$out/$role.token" ] || (umask 077; dsync token issue --key-file "$out/token.key" --role "$role" --subject "compose-$role" --ttl 30d >"$out/$role.token")
done
# the folder is readable (Prometheus reads ca.crt as another user); the keys and tokens in it are 0600
chmod 755 "$out"
echo "secrets ready in $out: ca.crt, n1..n3 certificates, token.key, admin.token, reader.token"
