#!/usr/bin/env bash
# Builds or gathers the real Pulumi engine the engine suite runs, into .engine/ (git-ignored):
#   .engine/bin/pulumi                         the CLI, built here from Go modules
#   .engine/bin/pulumi-language-python(-exec)  the Python language host and its exec script
#   .engine/plugins/pulumi-resource-databricks the Databricks provider plugin
#
# Everything is taken from the Go module proxy where the proxy serves it; nothing fetched is
# committed. The CLI is built as release builds build it (pulumi .goreleaser.yml: -trimpath,
# tags osusergo,grpcnotrace, CGO off, the version stamped into sdk/go/common/version.Version so
# `pulumi version` prints it). The language host is a nested module with no tags and the provider
# module has no tags either: where the proxy refuses them, the script takes a binary supplied by
# hand instead, from $LHM_ENGINE_SUPPLY (default: $CACHE/supplied) or from a released Pulumi
# install ($HOME/.pulumi/bin, and the plugin cache after
# `pulumi plugin install resource databricks $DATABRICKS_VERSION`), and says which it took.
#
# Results are cached outside the repository, keyed by version, in
# ${LHM_ENGINE_CACHE:-$HOME/.cache/lakehouse-monitors/engine}: a second run, or CI in a fresh
# clone on the same machine, takes seconds. Exit 0: the engine is complete; 3: the CLI is there
# but a piece could be neither built nor found (the suite then runs only its CLI-only tests);
# anything else: the build failed.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The Python SDK pins pulumi 3.272.0; the proxy refuses pkg/v3@v3.272.0 (403), so the nearest
# release it serves above that is built. The program's floor is 3.231.0 (monitors/program/engine.py).
PULUMI_VERSION="${PULUMI_VERSION:-3.274.0}"
DATABRICKS_VERSION="${DATABRICKS_VERSION:-1.118.0}"
CLIPBOARD_FORK="github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e"
CACHE="${LHM_ENGINE_CACHE:-$HOME/.cache/lakehouse-monitors/engine}"
SUPPLY="${LHM_ENGINE_SUPPLY:-$CACHE/supplied}"
BIN=".engine/bin"
PLUGINS=".engine/plugins"
export GOFLAGS="-mod=mod" CGO_ENABLED=0 GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
LDFLAGS="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"

log() { printf 'build.sh: %s\n' "$*" >&2; }
mkdir -p "$BIN" "$PLUGINS" "$CACHE"
incomplete=0

# The CLI: pkg/v3's main package, with pkg/go.mod's one non-sibling replace repeated (replaces
# apply only in the main module; the clipboard fork is a Windows DLL fix, harmless on Linux).
build_cli() {
    local dest="$CACHE/pulumi-$PULUMI_VERSION"
    if [[ -x "$dest/bin/pulumi" ]]; then
        log "pulumi v$PULUMI_VERSION: cached"
    else
        log "pulumi v$PULUMI_VERSION: building from the Go module proxy (cold: about 5 minutes)"
        local work="$dest.work"
        rm -rf "$work" && mkdir -p "$work"
        (
            cd "$work"
            go mod init example.invalid/lakehouse-monitors-engine >/dev/null 2>&1
            go mod edit -replace "github.com/atotto/clipboard=$CLIPBOARD_FORK"
            go get "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" \
                "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
            go build -trimpath -tags osusergo,grpcnotrace -ldflags "$LDFLAGS" -o bin/pulumi \
                github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
        )
        rm -rf "$dest" && mv "$work" "$dest"
    fi
    install -m 0755 "$dest/bin/pulumi" "$BIN/pulumi"
    local printed
    printed="$("$BIN/pulumi" version)"
    [[ "$printed" == "v$PULUMI_VERSION" ]] || { log "pulumi version printed '$printed'"; exit 1; }
}

# Asks the proxy for a module; prints its answer when it refuses.
proxy_refuses() {
    local answer
    if answer="$(go list -m -json "$1" 2>&1)"; then
        return 1
    fi
    log "the Go module proxy refuses $1: $(printf '%s' "$answer" | tr '\n' ' ' | cut -c1-240)"
    return 0
}

# Copies the first executable of the candidates into place; says where it came from.
take_supplied() {
    local target="$1" what="$2"
    shift 2
    local candidate
    for candidate in "$@"; do
        if [[ -x "$candidate" && -f "$candidate" ]]; then
            install -m 0755 "$candidate" "$target"
            log "$what: taken from $candidate"
            local note="${candidate%/*}/PROVENANCE"
            if [[ -f "$note" ]]; then log "$what: $(head -1 "$note")"; fi
            return 0
        fi
    done
    log "$what: not built and not supplied; looked in: $*"
    return 1
}

# The exec script the language host runs (it refuses to start without it beside itself,
# sdk/python/cmd/pulumi-language-python/main.go): it ships in the sdk/v3 module zip.
install_exec_script() {
    local sdk_dir
    sdk_dir="$(cd "$CACHE/pulumi-$PULUMI_VERSION" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"
    install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$BIN/pulumi-language-python-exec"
}

gather_language_host() {
    local module="github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3"
    install_exec_script
    if proxy_refuses "$module@latest"; then
        take_supplied "$BIN/pulumi-language-python" "pulumi-language-python" \
            "$SUPPLY/pulumi-language-python" "$HOME/.pulumi/bin/pulumi-language-python" ||
            incomplete=1
    else
        log "pulumi-language-python: the proxy now serves $module; build it here with go build"
        incomplete=1
    fi
}

gather_provider() {
    local plugin_cache="${PULUMI_HOME:-$HOME/.pulumi}/plugins/resource-databricks-v$DATABRICKS_VERSION"
    if proxy_refuses "github.com/pulumi/pulumi-databricks/provider@latest"; then
        proxy_refuses "github.com/databricks/terraform-provider-databricks@latest" || true
        take_supplied "$PLUGINS/pulumi-resource-databricks" "pulumi-resource-databricks" \
            "$SUPPLY/pulumi-resource-databricks" "$plugin_cache/pulumi-resource-databricks" ||
            incomplete=1
    else
        log "pulumi-resource-databricks: the proxy now serves the provider module; build it here"
        incomplete=1
    fi
}

build_cli
gather_language_host
gather_provider
if [[ "$incomplete" != 0 ]]; then
    log "the engine is incomplete: the suite's CLI-only tests run, the others skip (exit 3)"
    exit 3
fi
log "the engine is complete: $(ls "$BIN" "$PLUGINS" | tr '\n' ' ')"
