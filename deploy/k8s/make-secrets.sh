#!/usr/bin/env bash
# Makes the Secret dsync-secrets of deploy/k8s, offline, with the dsync CLI: the cluster CA, a certificate per pod
# (dsync-0..2, named by their stable DNS names and the client Service), the token signing key, the data key for
# encryption at rest and an admin token.
# The CA's key stays in DIR on this machine, never in the cluster. Then: kubectl apply -k deploy/k8s
#   usage: deploy/k8s/make-secrets.sh [DIR (default data/k8s-secrets)] [NAMESPACE (default default)]
set -euo pipefail
dir=${1:-data/k8s-secrets}
namespace=${2:-default}
dsync=${DSYNC:-dsync}
mkdir -p "$dir"
[ -f "$dir/ca.crt" ] || $dsync certs init --dir "$dir" --name dsync-k8s
files=(--from-file="ca.crt=$dir/ca.crt")
for i in 0 1 2; do
  pod=dsync-$i
  [ -f "$dir/$pod.crt" ] || $dsync certs issue "$pod" --dir "$dir" \
    --dns "$pod.dsync-headless" --dns "$pod.dsync-headless.$namespace.svc" --dns "$pod.dsync-headless.$namespace.svc.cluster.local" \
    --dns dsync --dns "dsync.$namespace.svc"
  files+=(--from-file="$pod.crt=$dir/$pod.crt" --from-file="$pod.key=$dir/$pod.key")
done
[ -f "$dir/token.key" ] || $dsync token init-key --key-file "$dir/token.key"
files+=(--from-file="token.key=$dir/token.key")
[ -f "$dir/data.key" ] || $dsync datakey init --file "$dir/data.key"
files+=(--from-file="data.key=$dir/data.key")
[ -s "$dir/admin.token" ] || (umask 077; $dsync token issue --key-file "$dir/token.key" --role admin --subject k8s-admin --ttl 30d >"$dir/admin.token")
kubectl create secret generic dsync-secrets --namespace "$namespace" "${files[@]}" --dry-run=client -o yaml | kubectl apply -f -
echo "Secret dsync-secrets applied in $namespace; call the cluster with --ca $dir/ca.crt --token @$dir/admin.token"
