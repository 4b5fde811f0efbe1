#!/usr/bin/env bash
# Runs the steps of github-actions.yml on this machine, pasted as they are, in a throwaway copy of
# the example application. `npm ci` is replaced by linking this repository's node_modules (which
# has the official SDKs) and its `aliyun` binary, as an application with this package and
# @alicloud/kms20160120 in its devDependencies would have them.
#   npm run build && bash examples/ci/run-locally.sh
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
APP=$(mktemp -d)
trap 'rm -rf "$APP"' EXIT
cp "$REPO"/examples/ci/{kms-seed.json,app.mjs,app.test.mjs} "$APP"/
mkdir -p "$APP/node_modules/.bin"
for entry in "$REPO"/node_modules/* "$REPO"/node_modules/@*; do ln -sfn "$entry" "$APP/node_modules/$(basename "$entry")"; done
ln -s "$REPO/bin/aliyun.cjs" "$APP/node_modules/.bin/aliyun"
echo '{"name": "ci-example-app", "private": true, "type": "module"}' > "$APP/package.json"
cd "$APP"
# The job's env (KMS_PORT: 8080); here a free port, as other servers may run on this machine.
export KMS_PORT=${KMS_PORT:-$(node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')}

echo '--- step: Start the KMS emulator'
          # The binary itself, not npx: $! must be the server's pid for the kill below.
          node_modules/.bin/aliyun kms serve --ephemeral --seed kms-seed.json --port "$KMS_PORT" \
            --account-id 1234567890123456 \
            --access-key-id LTAIci --access-key-secret ci-secret \
            --access-log kms-access.log --no-log > kms-serve.out 2>&1 &
          echo $! > kms-serve.pid

echo '--- step: Wait until it is ready'
(
          for i in $(seq 1 60); do
            curl -fsS "http://127.0.0.1:$KMS_PORT/health" && exit 0
            sleep 1
          done
          cat kms-serve.out
          exit 1
)
echo

echo '--- step: Run the tests against it'
status=0
(
  export KMS_ENDPOINT=127.0.0.1:$KMS_PORT ALIBABA_CLOUD_ACCESS_KEY_ID=LTAIci ALIBABA_CLOUD_ACCESS_KEY_SECRET=ci-secret
          node --test
) || status=$?

echo '--- step: Stop it and read the access log'
(
          kill "$(cat kms-serve.pid)"
          jq -r 'select(.action == "GetSecretValue") | "\(.status) \(.secretName) \(.versionId)"' kms-access.log | sort | uniq -c
          # Fail if the tests read a secret outside app/:
          ! jq -e 'select(.secretName != null and (.secretName | startswith("app/") | not))' kms-access.log
) || status=$?

# The ephemeral store is gone once the server has stopped.
sleep 1
store=$(sed -n 's/.*(store \([^,]*\), ephemeral.*/\1/p' kms-serve.out)
if [ -n "$store" ] && [ ! -e "$store" ]; then echo "ephemeral store $store removed"; else echo "ephemeral store not removed: ${store:-?}"; cat kms-serve.out; status=1; fi
exit $status
