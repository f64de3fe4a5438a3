"""A recording stand-in for the `pulumi` CLI, driven by a scenario file a test writes.

It answers the commands the Automation API runs for `monitors.stackops` the way the real CLI
does (same flags, same JSON shapes on stdout, engine events on `--event-log` as JSON lines or,
for `tcp://` addresses, over the `pulumirpc.Events/StreamEvents` gRPC stream), edits the stack's
`Pulumi.<stack>.yaml` in its working directory for `config set/rm --path`, keeps stack state in
the scenario file, and appends every invocation (argv, cwd, env, copies of files it was given)
to a JSON-lines log next to the scenario. Formats follow pulumi/pulumi's
sdk/go/common/apitype (events.go, core.go) and pkg/cmd/pulumi (stack history, import, config).

Scenario keys (all optional except where a command needs them):
  version: "3.272.0"                       printed by `pulumi version` as v<version>
  project: "lakehouse-monitors"            project name for config keys without a namespace
  stacks: {name: {resources: [ResourceV3], outputs: {}, history: [], pending_operations: []}}
      `outputs` are the root stack resource's outputs (`stack output --json`)
  cloud: {import id: {outputs}}            what exists in the workspace, for `import`
  preview / up: {steps: [Step], fail: Failure | null, interrupt_after: n, outputs: {}}, or a
      list of those, one per call in order (the last one answers every later call)
      Step = {urn, op: same|create|update|replace|delete, by?, keys?, diffs?, protect?, id?}
      A replace is expanded to delete-replaced, replace, create-replacement (delete first; no
      delete-replaced when the state already holds the resource pending replacement). `by`:
      trigger (default: replacement_trigger changed, so no keys/diffs in the events), diff
      (the provider asked: keys, diffs as given) or targeted (`--replace`: keys ["id"]).
      `protect` is what the program registers (default: the old state's); the engine's
      protect rules for replace and delete apply.
      Failure = {urn, op?, message}        `op` is the engine step that fails (default: first)
      interrupt_after (up): after that many steps the caller gets ^C (interrupt_with: SIGINT,
      or SIGTERM) and the CLI cancels
  import: {fail: {id, message} | null}
  fail_commands: {"stack export": "message" | {message, skip: n}}  make a command fail
  interrupt_commands: {"state remove": "before" | "after" | {at, skip: n}}  a ^C reaches the
      caller and the CLI while the command runs: before its edit is saved, or after
  secrets: {ciphertext: plaintext}          how `config --show-secrets` decrypts `secure:` values
                                            (it also needs PULUMI_CONFIG_PASSPHRASE set)
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

VALUE_FLAGS = {
    "--stack",
    "-s",
    "--event-log",
    "--file",
    "--exec-kind",
    "--message",
    "-m",
    "--replace",
    "--target",
    "--exclude",
    "--page-size",
    "--page",
    "--color",
    "--parallel",
    "--out",
    "--from",
    "--client",
    "--type",
    "--secrets-provider",
    "--config-file",
    "--save-plan",
    "--plan",
    "--import-file",
}
REPLACE_EXPANSION = ("delete-replaced", "replace", "create-replacement")
ENV_RECORDED = (
    "PULUMI_AUTOMATION_API",
    "PULUMI_DEBUG_COMMANDS",
    "PULUMI_HOME",
    "PULUMI_CONFIG_PASSPHRASE",
)


class Failed(Exception):
    """Ends the command with the real CLI's exit code and an `error: ...` line on stderr."""

    def __init__(self, message: str, code: int = 255) -> None:
        super().__init__(message)
        self.code = code


class Args:
    """argv split the way cobra sees it: words, flags (repeatable) and what follows `--`."""

    def __init__(self, argv: list[str]) -> None:
        self.words: list[str] = []
        self.flags: dict[str, list[str]] = {}
        self.rest: list[str] = []
        i = 0
        while i < len(argv):
            arg = argv[i]
            if arg == "--":
                self.rest = argv[i + 1 :]
                break
            if arg.startswith("-"):
                name, eq, value = arg.partition("=")
                if eq:
                    self.flags.setdefault(name, []).append(value)
                elif name in VALUE_FLAGS:
                    i += 1
                    self.flags.setdefault(name, []).append(argv[i])
                else:
                    self.flags.setdefault(name, []).append("true")
            else:
                self.words.append(arg)
            i += 1

    def get(self, name: str) -> str | None:
        values = self.flags.get(name)
        return values[-1] if values else None

    def has(self, name: str) -> bool:
        return self.get(name) not in (None, "false")


class World:
    """The scenario file: behaviour the test asked for plus the stacks' state, saved on change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = json.loads(path.read_text())

    def save(self) -> None:
        self.path.write_text(json.dumps(self.data, indent=2))

    @property
    def project(self) -> str:
        return self.data.get("project", "lakehouse-monitors")

    def stack(self, name: str | None) -> dict[str, Any]:
        if not name:
            name = self.data.get("current_stack")
        stacks = self.data.setdefault("stacks", {})
        if not name:
            raise Failed("no stack selected; please use `pulumi stack select`")
        short = name.split("/")[-1]
        if short not in stacks:
            raise Failed(f"no stack named '{name}' found")
        return stacks[short]


def record(world: World, argv: list[str], args: Args) -> None:
    """Append this invocation to the log, with copies of any files handed to it."""
    log_dir = world.path.parent
    entry: dict[str, Any] = {
        "argv": argv,
        "cwd": os.getcwd(),
        "env": {k: os.environ[k] for k in ENV_RECORDED if k in os.environ},
    }
    given = args.get("--file")
    if given and Path(given).is_file():
        copies = log_dir / "files"
        copies.mkdir(exist_ok=True)
        copy = copies / f"{len(list(copies.iterdir())):03d}-{Path(given).name}"
        import shutil  # only here: every call pays for each import (a process per command)

        shutil.copyfile(given, copy)
        entry["files"] = {"--file": str(copy)}
    with (log_dir / "calls.jsonl").open("a") as log:
        log.write(json.dumps(entry) + "\n")


# ---------------------------------------------------------------- config (Pulumi.<stack>.yaml)


def stack_file(stack: str) -> Path:
    return Path.cwd() / f"Pulumi.{stack.split('/')[-1]}.yaml"


def load_stack_file(stack: str) -> dict[str, Any]:
    path = stack_file(stack)
    import yaml  # only for the commands that read the stack file (it costs a third of a call)

    return (yaml.safe_load(path.read_text()) or {}) if path.exists() else {}


def save_stack_file(stack: str, content: dict[str, Any]) -> None:
    import yaml

    stack_file(stack).write_text(yaml.safe_dump(content, sort_keys=False))


def coerce(value: str) -> Any:
    """What `config set --path` stores for a plain value: pulumi's config.coerce."""
    if value in ("true", "false"):
        return value == "true"
    if len(value) > 1 and value.startswith("0"):
        return value
    try:
        return int(value)
    except ValueError:
        return value


def split_key(world: World, key: str, path: bool) -> tuple[str, list[str]]:
    """`resets.t.token` -> (`lakehouse-monitors:resets`, [`t`, `token`])."""
    parts = key.split(".") if path else [key]
    head = parts[0] if ":" in parts[0] else f"{world.project}:{parts[0]}"
    return head, parts[1:]


def config_set(world: World, args: Args) -> None:
    stack = args.get("--stack") or ""
    world.stack(stack)
    key = args.words[2] if len(args.words) > 2 else None
    value = args.rest[0] if args.rest else (args.words[3] if len(args.words) > 3 else None)
    if key is None or value is None:
        raise Failed("config value must be specified in non-interactive mode")
    if args.has("--secret"):
        raise Failed("the fake pulumi does not encrypt secrets")
    head, path = split_key(world, key, args.has("--path"))
    content = load_stack_file(stack)
    config = content.setdefault("config", {}) or {}
    content["config"] = config
    if not path:
        config[head] = value
    else:
        steps = path_steps(path)
        parent: Any = config
        step: str | int = head
        for i, following in enumerate(steps):
            parent = child_container(parent, step, following, key, steps[:i])
            step = following
        put(parent, step, coerce(value), key)
    save_stack_file(stack, content)


NAMES: dict[type, str] = {dict: "map", list: "list"}


def path_steps(path: list[str]) -> list[str | int]:
    """`notify.emails[0]` -> ["notify", "emails", 0]: a `[N]` suffix indexes a list
    (sdk/go/common/resource/properties_path.go `ParsePropertyPath`)."""
    steps: list[str | int] = []
    for part in path:
        name, _, rest = part.partition("[")
        if name:
            steps.append(name)
        while rest:
            index, _, rest = rest.partition("]")
            steps.append(int(index))
            rest = rest.removeprefix("[")
    return steps


def child_container(parent: Any, step: str | int, following: str | int, key: str, at: list) -> Any:
    """The map or list at `parent[step]`, created if missing as `PropertyPath.Add` creates it (a
    list long enough for the index), refused if it holds another kind."""
    kind: type = list if isinstance(following, int) else dict
    current = parent[step] if _holds(parent, step) else None
    if current is None:
        current = [None] * (following + 1) if isinstance(following, int) else {}
        put(parent, step, current, key)
    if not isinstance(current, kind):
        where = ".".join(str(s) for s in at) or "the value"
        raise Failed(f"invalid configuration key: {key}: {where} is not a {NAMES[kind]}")
    if isinstance(following, int) and following >= len(current):
        current.extend([None] * (following + 1 - len(current)))
    return current


def _holds(parent: Any, step: str | int) -> bool:
    return step in parent if isinstance(parent, dict) else step < len(parent)


def put(parent: Any, step: str | int, value: Any, key: str) -> None:
    if isinstance(parent, dict) != isinstance(step, str):
        raise Failed(f"invalid configuration key: {key}")
    parent[step] = value


def config_set_all(world: World, args: Args) -> None:
    """`config set-all --plaintext key=value ...` (pkg/cmd/pulumi/config/config.go
    `newConfigSetAllCmd`): every pair is set (io.go `parseKeyValuePair`: split at the first `=`,
    the value kept as text), then the stack file is saved once."""
    stack = args.get("--stack") or ""
    world.stack(stack)
    if args.has("--secret") or args.has("--path") or args.has("--json"):
        raise Failed("the fake pulumi implements `config set-all --plaintext` only", code=2)
    content = load_stack_file(stack)
    config = content.setdefault("config", {}) or {}
    content["config"] = config
    # `--plaintext` is a boolean flag of `config set` but takes each pair here: the parser keeps
    # the pairs as words, and only `--plaintext` ones are accepted.
    for pair in args.words[2:]:
        key, found, value = pair.partition("=")
        if not found:
            raise Failed(f"could not parse {pair!r}: expected the form key=value")
        head, _ = split_key(world, key, False)
        config[head] = value
    save_stack_file(stack, content)


def config_rm(world: World, args: Args) -> None:
    stack = args.get("--stack") or ""
    world.stack(stack)
    head, path = split_key(world, args.words[2], args.has("--path"))
    content = load_stack_file(stack)
    config = content.get("config") or {}
    if not path:
        config.pop(head, None)
    else:
        node = config.get(head)
        for part in path[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(path[-1], None)
    save_stack_file(stack, content)


def config_value_json(value: Any) -> dict[str, Any]:
    if isinstance(value, dict | list):
        return {"value": json.dumps(value), "objectValue": value, "secret": False}
    if isinstance(value, bool):
        return {"value": "true" if value else "false", "secret": False}
    return {"value": str(value), "secret": False}


def config_get(world: World, args: Args) -> str:
    stack = args.get("--stack") or ""
    world.stack(stack)
    key = args.words[2]
    head, path = split_key(world, key, args.has("--path"))
    node: Any = (load_stack_file(stack).get("config") or {}).get(head)
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    if node is None:
        raise Failed(f"configuration key '{key}' not found for stack '{stack}'")
    return json.dumps(config_value_json(node))


def config_all(world: World, args: Args) -> str:
    stack = args.get("--stack") or ""
    world.stack(stack)
    config = load_stack_file(stack).get("config") or {}
    show = args.has("--show-secrets")
    return json.dumps(
        {
            k: secure_value_json(world, v, show) if is_secure(v) else config_value_json(v)
            for k, v in config.items()
        }
    )


def is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def secure_value_json(world: World, value: dict[str, str], show: bool) -> dict[str, Any]:
    """A `secure:` value as `pulumi config --json` prints it (pkg/cmd/pulumi/config/config.go
    `listConfig`, `configValueJSON`): `secret: true`; `value` elided without --show-secrets,
    decrypted with it. Decrypting needs the passphrase (pkg/secrets/passphrase/manager.go);
    the fake's ciphertexts decrypt through the scenario's `secrets` map."""
    if not show:
        return {"secret": True}
    if "PULUMI_CONFIG_PASSPHRASE" not in os.environ:
        raise Failed(
            "passphrase must be set with PULUMI_CONFIG_PASSPHRASE or "
            "PULUMI_CONFIG_PASSPHRASE_FILE environment variables"
        )
    plaintext = world.data.get("secrets", {}).get(value["secure"])
    if plaintext is None:
        raise Failed("could not decrypt configuration values: incorrect passphrase")
    return {"value": plaintext, "secret": True}


# ---------------------------------------------------------------- engine events


def event_request(line: str) -> bytes:
    """A `pulumirpc.EventRequest` on the wire (proto/pulumi/events.proto: `string event = 1`),
    the bytes the SDK's generated `EventRequest.SerializeToString` gives; written by hand so that
    each engine command does not import the whole `pulumi` package for its stubs."""
    data = line.encode("utf-8")
    size, length = bytearray(), len(data)
    while True:
        byte, length = length & 0x7F, length >> 7
        size.append(byte | (0x80 if length else 0))
        if not length:
            break
    return b"\x0a" + bytes(size) + data


class EventSink:
    """Writes engine events where `--event-log` says: a JSON-lines file or a gRPC stream."""

    def __init__(self, target: str | None) -> None:
        self.target = target
        self.events: list[dict[str, Any]] = []

    def emit(self, **payload: Any) -> None:
        event = {"sequence": len(self.events) + 1, "timestamp": int(time.time()), **payload}
        self.events.append(event)

    def close(self) -> None:
        if not self.target:
            return
        lines = [json.dumps(e) + "\n" for e in self.events]
        if self.target.startswith("tcp://"):
            import grpc

            with grpc.insecure_channel(self.target.removeprefix("tcp://")) as channel:
                stream = channel.stream_unary(
                    "/pulumirpc.Events/StreamEvents",
                    request_serializer=event_request,
                    response_deserializer=lambda answer: answer,
                )
                stream(iter(lines))
        else:
            with open(self.target, "a", encoding="utf-8") as log:
                log.writelines(lines)


def type_of(urn: str) -> str:
    return urn.split("::")[2] if urn.count("::") >= 3 else ""


# Which engine steps are "logical" (pkg/resource/deploy/step.go, each step's Logical()): a step
# replacing a resource (create-replacement, delete-replaced) is not.
LOGICAL_OPS = frozenset({"same", "create", "update", "delete", "replace", "import"})
# Which steps carry `keys` (step.go: CreateStep.Keys, ReplaceStep.Keys) and `diffs`/`detailedDiff`
# (CreateStep, UpdateStep, ReplaceStep); pkg/engine/events.go makeStepEventMetadata reads them.
KEYED_OPS = frozenset({"replace", "create-replacement"})
DIFFED_OPS = frozenset({"replace", "create-replacement", "update"})


def replace_cause(step: dict[str, Any]) -> str:
    """Why the engine replaces: `trigger` (the default for our monitors), `diff` or `targeted`.

    pkg/resource/deploy/step_generator.go generateStepsFromDiff: when `replacement_trigger`
    changed, the provider's Diff is skipped and the diff is `DiffResult{Changes: DiffSome}`
    with no ReplaceKeys, ChangedKeys or DetailedDiff; `--replace <urn>` gives ReplaceKeys
    `["id"]` (stepGenerator.diff, isTargetedReplace); `diff` is the provider asking for it.
    """
    cause = step.get("by", "trigger")
    if cause == "trigger" and (step.get("keys") or step.get("diffs")):
        raise Failed(
            "fake scenario error: a replace forced by replacement_trigger carries no keys or "
            "diffs in the engine's events; use by: diff for a provider-requested replace",
            code=2,
        )
    return str(cause)


def step_diff(op: str, step: dict[str, Any]) -> tuple[list[str], list[str], Any]:
    """The (keys, diffs, detailedDiff) a step reports, by its cause (see replace_cause)."""
    if step["op"] != "replace":
        diffs = step.get("diffs") or [] if op in DIFFED_OPS else []
        return [], diffs, step.get("detailedDiff") if op in DIFFED_OPS else None
    cause = replace_cause(step)
    if cause == "targeted":
        return (["id"] if op in KEYED_OPS else []), [], None
    if cause == "diff":
        keys = step.get("keys") or [] if op in KEYED_OPS else []
        diffs = step.get("diffs") or [] if op in DIFFED_OPS else []
        return keys, diffs, step.get("detailedDiff") if op in DIFFED_OPS else None
    return [], [], None


def step_metadata(
    op: str, urn: str, step: dict[str, Any], old: dict | None, protect: bool
) -> dict[str, Any]:
    """One step as the CLI writes it: pkg/engine/events.go makeStepEventMetadata, converted by
    pkg/backend/display/events.go convertStepEventMetadata into sdk/go/common/apitype/events.go
    StepEventMetadata, whose `keys`, `diffs` and `logical` are `omitempty` (absent when empty or
    false) and whose `detailedDiff` is null when the step has none."""

    def state(res: dict | None) -> dict[str, Any] | None:
        if res is None:
            return None
        return {
            "type": res.get("type", type_of(urn)),
            "urn": urn,
            "id": res.get("id", ""),
            "parent": res.get("parent", ""),
            "protect": res.get("protect", False),
            "custom": True,
            "inputs": res.get("inputs", {}),
            "outputs": res.get("outputs", {}),
            "provider": res.get("provider", ""),
        }

    new = (
        None
        if op in ("delete", "delete-replaced")
        else {"type": type_of(urn), "id": step.get("id", ""), "protect": protect}
    )
    keys, diffs, detailed = step_diff(op, step)
    metadata: dict[str, Any] = {
        "op": op,
        "urn": urn,
        "type": type_of(urn),
        "old": None if op == "create" else state(old),
        "new": state(new),
    }
    if keys:
        metadata["keys"] = keys
    if diffs:
        metadata["diffs"] = diffs
    metadata["detailedDiff"] = detailed
    if op in LOGICAL_OPS:
        metadata["logical"] = True
    metadata["provider"] = ""
    return metadata


def engine_steps(
    steps: list[dict[str, Any]], stack: dict[str, Any], targets: list[str]
) -> list[tuple[str, dict[str, Any]]]:
    """Each scenario change as the engine's steps, in the order it runs them.

    step_generator.go: `--replace <urn>` turns a same or update into a replace; a delete-before-
    replace replace runs delete-replaced, replace, create-replacement, except that a resource
    already pending replacement (an earlier run deleted it) gets no delete-replaced step.
    """
    expanded: list[tuple[str, dict[str, Any]]] = []
    for step in steps:
        if step["urn"] in targets and step["op"] in ("same", "update"):
            step = {**step, "op": "replace", "by": "targeted"}
        if step["op"] != "replace":
            expanded.append((step["op"], step))
            continue
        pending = any(
            r["urn"] == step["urn"] and r.get("pendingReplacement")
            for r in stack.get("resources", [])
        )
        ops = REPLACE_EXPANSION[1:] if pending else REPLACE_EXPANSION
        expanded.extend((op, step) for op in ops)
    return expanded


def apply_to_state(
    stack: dict[str, Any], op: str, urn: str, step: dict[str, Any], protect: bool
) -> None:
    """What a completed step leaves in the stack's checkpoint (pkg/backend/snapshot.go): the new
    state carries the protect flag the program registered."""
    resources: list[dict[str, Any]] = stack.setdefault("resources", [])
    current = [r for r in resources if r["urn"] == urn]
    if op == "delete":
        stack["resources"] = [r for r in resources if r["urn"] != urn]
    elif op == "delete-replaced":
        for r in current:
            r["pendingReplacement"] = True
    elif op in ("create", "create-replacement"):
        old_id = current[0].get("id") if current else None
        stack["resources"] = [r for r in resources if r["urn"] != urn]
        stack["resources"].append(
            {
                "urn": urn,
                "custom": True,
                "id": step.get("id") or old_id or urn.rsplit("::", 1)[-1],
                "type": type_of(urn),
                "inputs": {},
                "outputs": {},
                "protect": protect,
            }
        )
    elif op in ("same", "update"):
        for r in current:
            r["protect"] = protect


def protect_error(op: str, urn: str, old: dict | None, protect: bool) -> str | None:
    """The engine's refusal to replace or delete a protected resource, or None.

    step_generator.go continueStepsFromDiff: a replace fails when the old AND the new state are
    protected ("we do allow unprotecting and replacing to happen in a single update cycle");
    step.go DeleteStep.Apply (deleteProtectedError): a delete fails when the old state is.
    """
    if old is None or not old.get("protect"):
        return None
    if op == "replace" and protect:
        return (
            f'unable to replace resource "{urn}"\nas it is currently marked for protection. To '
            "unprotect the resource, remove the `protect` flag from the resource in your Pulumi "
            "program and run `pulumi up`"
        )
    if op == "delete":
        return (
            f'resource "{urn}" cannot be deleted\nbecause it is protected. To unprotect the '
            "resource, either remove the `protect` flag from the resource in your Pulumi program "
            f"and run `pulumi up`, or use the command:\n`pulumi state unprotect '{urn}'`"
        )
    return None


def interrupt_caller(sink: EventSink, name: str) -> None:
    """A ^C in the terminal (or a CI runner's SIGTERM) reaches the whole process group: the
    caller gets the signal, and the CLI starts cancelling (pkg/backend/cancellation_scope.go
    NewScope: it finishes the steps in flight and starts no new one)."""
    os.kill(os.getppid(), getattr(signal, name))
    message = (
        "SIGTERM received; cancelling. If you would like to terminate immediately, send SIGTERM "
        "again.\n"
        if name == "SIGTERM"
        else "^C received; cancelling. If you would like to terminate immediately, press ^C "
        "again.\n"
    )
    print(message, end="", flush=True)
    sink.emit(stdoutEvent={"message": message, "color": "always"})


def diagnostic(sink: EventSink, message: str, urn: str | None = None) -> None:
    """An error diagnostic; deploymentExecutor.reportExecResult sends the run's result without a
    URN ("update failed", "update canceled")."""
    event = {"prefix": "error: ", "message": message + "\n", "color": "raw", "severity": "error"}
    sink.emit(diagnosticEvent={"urn": urn, **event} if urn else event)


def next_behaviour(world: World, kind: str) -> dict[str, Any]:
    """The scenario for this `preview` or `up`: a list is consumed one call at a time, its last
    entry answering every later call."""
    behaviour = world.data.get(kind, {})
    if not isinstance(behaviour, list):
        return dict(behaviour)
    if len(behaviour) > 1:
        return dict(behaviour.pop(0))
    return dict(behaviour[0]) if behaviour else {}


def run_engine(world: World, args: Args, kind: str) -> str:
    """`preview` or `up`: emit the scenario's steps as engine events; `up` also changes state.

    Scenario keys under `preview` / `up`: `steps`, `fail` {urn, op?, message}, `interrupt_after`
    (up: the caller is sent ^C after that many steps completed), `outputs` (up: the stack outputs
    the program registers; on a failed run they are merged over the old ones, as
    pkg/resource/deploy/step_executor.go does: "update any stack outputs that were updated, but
    don't delete any old outputs").
    """
    stack_name = args.get("--stack") or ""
    stack = world.stack(stack_name)
    is_preview = kind == "preview"
    behaviour = next_behaviour(world, kind)
    failure = behaviour.get("fail")
    interrupt_after = behaviour.get("interrupt_after")
    targets = args.flags.get("--replace", [])
    sink = EventSink(args.get("--event-log"))
    config = load_stack_file(stack_name).get("config") or {}
    sink.emit(
        preludeEvent={
            "config": {
                k: json.dumps(v) if isinstance(v, dict) else str(v) for k, v in config.items()
            }
        }
    )
    counts: dict[str, int] = {}
    failed = canceled = False
    checked: set[int] = set()
    steps = engine_steps(behaviour.get("steps", []), stack, targets)
    for done, (op, step) in enumerate(steps, start=1):
        urn = step["urn"]
        old = next((r for r in stack.get("resources", []) if r["urn"] == urn), None)
        protect = bool(step.get("protect", old.get("protect", False) if old else False))
        if op in REPLACE_EXPANSION and id(step) not in checked:
            # Checked once, while generating the replace's steps, before any of them runs: an
            # update bails; a preview reports the error and still shows the steps.
            checked.add(id(step))
            refusal = protect_error("replace", urn, old, protect)
            if refusal:
                diagnostic(sink, refusal, urn)
                failed = True
                if not is_preview:
                    break
        refusal = protect_error(op, urn, old, protect) if op == "delete" else None
        metadata = step_metadata(op, urn, step, old, protect)
        pre: dict[str, Any] = {"metadata": metadata}
        if is_preview:
            pre["planning"] = True
        sink.emit(resourcePreEvent=pre)
        message = refusal or (
            failure["message"]
            if failure and failure["urn"] == urn and failure.get("op", op) == op
            else None
        )
        if message:
            diagnostic(sink, message, urn)
            sink.emit(resOpFailedEvent={"metadata": metadata, "status": 0, "steps": 0})
            failed = True
            break
        if not is_preview:
            apply_to_state(stack, op, urn, step, protect)
        sink.emit(resOutputsEvent=pre)
        if op not in ("delete-replaced", "create-replacement"):
            counts[op] = counts.get(op, 0) + 1
        if not is_preview and interrupt_after is not None and done >= interrupt_after:
            interrupt_caller(sink, behaviour.get("interrupt_with", "SIGINT"))
            canceled = True
            break
    if not is_preview and "outputs" in behaviour:
        if failed or canceled:
            stack["outputs"] = {**stack.get("outputs", {}), **behaviour["outputs"]}
        else:
            stack["outputs"] = dict(behaviour["outputs"])
    verb = "preview" if is_preview else "update"
    if failed or canceled:
        diagnostic(sink, f"{verb} {'canceled' if canceled else 'failed'}")
    result = "failed" if failed or canceled else "succeeded"
    sink.emit(
        summaryEvent={
            "maybeCorrupt": False,
            "durationSeconds": 1,
            "resourceChanges": counts,
            "PolicyPacks": {},
            "isPreview": is_preview,
            "result": result,
        }
    )
    sink.emit(cancelEvent={})
    sink.close()
    if not is_preview:
        stack.setdefault("history", []).insert(0, history_entry("update", result, counts, config))
    world.save()
    title = "Previewing update" if is_preview else "Updating"
    lines = [f"{title} ({stack_name})", "", "Resources:"]
    lines += [
        f"    {n} to {op}" if is_preview else f"    {n} {op}d" for op, n in sorted(counts.items())
    ]
    if failed or canceled:
        print("\n".join(lines))
        raise Failed(f"{verb} {'canceled' if canceled else 'failed'}")
    return "\n".join(lines)


def history_entry(
    kind: str, result: str, counts: dict[str, int], config: dict[str, Any]
) -> dict[str, Any]:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {
        "version": 1,
        "kind": kind,
        "startTime": now,
        "message": "",
        "environment": {"exec.kind": "auto.local"},
        "config": {k: config_value_json(v) for k, v in config.items()},
        "result": result,
        "endTime": now,
        "resourceChanges": counts,
    }


# ---------------------------------------------------------------- import, stack commands


def run_import(world: World, args: Args) -> str:
    """`pulumi import --file F`: read each spec's resource from `cloud`, add it to state.

    pkg/resource/deploy/import.go `importResources`: a resource already in the state under the
    same URN (among the olds, which leave out records pending deletion: deployment.go
    `buildResourceMaps`) with the same ID (its `importID` when it has one) is skipped, nothing to do; with
    another ID the import step fails ("resource '<urn>' already exists", step.go
    `ImportStep.Apply`). Each resource is read from the provider by its import ID and recorded
    with the read inputs and outputs, the ID the Read gave (here: the import ID), `protect` from
    `--protect` (default true), no dependencies, no replacement trigger, and no `importID`
    ("we would never set ImportID for resources imported via `pulumi import`", ImportStep.Apply).
    Steps that completed before a failed one stay in the state.
    """
    stack_name = args.get("--stack") or ""
    stack = world.stack(stack_name)
    path = args.get("--file")
    if not path:
        raise Failed("an inline resource or an import file must be specified")
    spec_file = json.loads(Path(path).read_text())
    protect = args.get("--protect") != "false"
    cloud = world.data.get("cloud", {})
    failure = world.data.get("import", {}).get("fail")
    resources = stack.setdefault("resources", [])
    counts = {"import": 0}
    for spec in spec_file.get("resources") or []:
        for field in ("type", "name", "id"):
            if not spec.get(field):
                raise Failed(f"resource '{spec.get('name', '?')}' has no {field}")
        short = stack_name.split("/")[-1]
        urn = f"urn:pulumi:{short}::{world.project}::{spec['type']}::{spec['name']}"
        old = next((r for r in resources if r["urn"] == urn and not r.get("delete")), None)
        if old is not None:
            if (old.get("importID") or old.get("id")) == spec["id"]:
                continue
            world.save()
            raise Failed(f"resource '{urn}' already exists")
        if failure and failure["id"] == spec["id"]:
            world.save()
            raise Failed(failure["message"])
        if spec["id"] not in cloud:
            world.save()
            raise Failed(f"Preview failed: resource '{spec['id']}' does not exist")
        outputs = cloud[spec["id"]]
        resources.append(
            {
                "urn": urn,
                "custom": True,
                "id": recorded_id(spec),
                "importID": spec["id"],
                "type": spec["type"],
                "inputs": outputs,
                "outputs": outputs,
                "protect": protect,
            }
        )
        counts["import"] += 1
    stack.setdefault("history", []).insert(0, history_entry("import", "succeeded", counts, {}))
    world.save()
    return f"Importing ({stack_name})\n\nResources:\n    {counts['import']} imported"


# The ID the bridge gives a resource whose Terraform schema has no `id` (pulumi-terraform-bridge
# pkg/tfbridge/info.go `MissingIDPlaceholder`, tokens/fixups.go `missingIDComputeID`): a real
# engine and provider record it for every DataQualityMonitor, created or imported
# (tests/engine/test_stack_operations.py); the import ID is kept as `importID` (state.go).
MISSING_ID = "missing ID"
ID_LESS_TYPES = frozenset({"databricks:index/dataQualityMonitor:DataQualityMonitor"})


def recorded_id(spec: dict[str, Any]) -> str:
    """The ID the checkpoint records for an imported resource."""
    return MISSING_ID if spec["type"] in ID_LESS_TYPES else str(spec["id"])


ROOT_TYPE = "pulumi:pulumi:Stack"


def root_urn(world: World, stack: str) -> str:
    """The root stack resource's URN (`<project>-<stack>`, resource.RootStackType)."""
    short = stack.split("/")[-1]
    return f"urn:pulumi:{short}::{world.project}::{ROOT_TYPE}::{world.project}-{short}"


# Where a checkpoint resource names another one (pkg/resource/state.go GetAllDependencies).
def resource_edges(resource: dict[str, Any]) -> list[str]:
    """The URNs a checkpoint resource refers to: parent, dependencies, property dependencies,
    deleted-with and replace-with."""
    edges = list(resource.get("dependencies") or [])
    for urns in (resource.get("propertyDependencies") or {}).values():
        edges += urns
    edges += [u for u in (resource.get("parent"), resource.get("deletedWith")) if u]
    edges += list(resource.get("replaceWith") or [])
    return edges


def only_depends_on(resources: list[dict[str, Any]], condemned: dict[str, Any]) -> list[dict]:
    """pkg/resource/graph/dependency_graph.go `OnlyDependsOn`: the resources after `condemned`
    in the (topologically ordered) checkpoint that depend on it directly or through another
    dependent. URNs are unique here, so a URN stands for its resource (providers: not modelled,
    the stacks use the default provider)."""
    found: list[dict[str, Any]] = []
    dependent = {condemned["urn"]}
    start = next(i for i, r in enumerate(resources) if r is condemned)
    for candidate in resources[start + 1 :]:
        if any(edge in dependent for edge in resource_edges(candidate)):
            found.append(candidate)
            dependent.add(candidate["urn"])
    return found


def has_state_remove(world: World) -> bool:
    """Whether this CLI version has `state remove` (3.254.0 on; `state delete` stays as an alias,
    as a real 3.274.0 shows: tests/engine/test_cli_fidelity.py)."""
    version = tuple(int(part) for part in world.data.get("version", "3.272.0").split("."))
    return version >= (3, 254, 0)


def state_remove(world: World, args: Args) -> str:
    """`state remove|rm|delete [--force] [--target-dependents] [--yes] -- URN...`.

    pkg/cmd/pulumi/state/state_delete.go `newStateDeleteCommand` -> `runStateDeleteResources`:
    each URN is resolved in the state (io.go `locateStackResource`: unknown -> "No such
    resource"), the targets are ordered (`computeStateDeleteOrder`), and each goes through
    pkg/resource/edit/operations.go `DeleteResource`: a protected resource fails
    (`ResourceProtectedError`) unless `--force`, which unprotects it with a warning; resources
    depending on it (`OnlyDependsOn`) fail it (`ResourceHasDependenciesError`) unless
    `--target-dependents`, which removes them too, each checked for protection the same way.
    The whole edit is one snapshot (io.go `TotalStateEdit`): on any error nothing is saved. Only
    the state changes: no provider is loaded, nothing is deleted in the cloud.
    """
    stack = world.stack(args.get("--stack"))
    urns = args.words[2:] + args.rest
    if not urns:
        raise Failed("resource URN must be specified in non-interactive mode", code=2)
    force, with_dependents = args.has("--force"), args.has("--target-dependents")
    resources = [dict(r) for r in stack.get("resources", [])]
    warnings: list[str] = []
    targets = []
    for urn in urns:
        found = [r for r in resources if r["urn"] == urn]
        if not found:
            raise Failed(f'No such resource "{urn}" exists in the current state')
        targets.append(found[0])

    def unprotect(resource: dict[str, Any]) -> None:
        if not resource.get("protect"):
            return
        if not force:
            raise Failed(
                f"{resource['urn']} can't be safely deleted because it is protected. "
                "Re-run this command with --force to force deletion"
            )
        warnings.append(f"deleting protected resource {resource['urn']} due to presence of --force")
        resource["protect"] = False

    for target in targets:
        unprotect(target)
        dependents = only_depends_on(resources, target)
        if dependents and not with_dependents:
            lines = "".join(
                f" * {json.dumps(d['urn'].rsplit('::', 1)[-1]):<15} ({d['urn']})\n"
                for d in dependents
            )
            raise Failed(
                f"{target['urn']} can't be safely deleted because the following resources "
                f"depend on it:\n{lines}\nDelete those resources first or pass "
                "--target-dependents."
            )
        for dependent in dependents:
            unprotect(dependent)
        gone = {id(target), *(id(d) for d in dependents)}
        resources = [r for r in resources if id(r) not in gone]
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    stack["resources"] = resources
    world.save()
    return "Resource deleted" if len(targets) == 1 else f"{len(targets)} resources deleted"


def integrity_error(resources: list[dict[str, Any]]) -> str | None:
    """pkg/resource/deploy/snapshot.go `VerifyIntegrity`, for parents and dependencies: each must
    name a resource earlier in the checkpoint."""
    seen: set[str] = set()
    urns = {r["urn"] for r in resources}
    for resource in resources:
        urn = resource["urn"]
        parent = resource.get("parent")
        if parent and parent not in seen:
            where = "comes after it" if parent in urns else "refers to missing parent"
            return f"child resource {urn}'s parent {parent} {where}"
        for dep in resource.get("dependencies") or []:
            if dep not in seen:
                what = "comes after it" if dep in urns else "refers to missing resource"
                return f"resource {urn}'s dependency {dep} {what}"
        for key, deps in (resource.get("propertyDependencies") or {}).items():
            for dep in deps:
                if dep not in seen:
                    what = "comes after it" if dep in urns else "refers to missing resource"
                    return (
                        f"resource {urn}'s property dependency {dep} (from property {key}) {what}"
                    )
        seen.add(urn)
    return None


def stack_import(world: World, args: Args) -> str:
    """`stack import --file F [--force]`: replace the stack's checkpoint with the file's.

    pkg/cmd/pulumi/stack/stack_import.go `newStackImportCmd` -> io.go `SaveSnapshot`: every
    resource must belong to this stack ("is from a different stack") and the snapshot must pass
    `VerifyIntegrity`, else nothing is imported ("importing this file could be dangerous; rerun
    with --force to proceed anyway"); pending operations are cleared with a warning each. The
    root stack resource carries the stack outputs.
    """
    stack_name = args.get("--stack") or ""
    stack = world.stack(stack_name)
    path = args.get("--file")
    if not path:
        raise Failed("the fake pulumi reads `stack import` only from --file", code=2)
    untyped = json.loads(Path(path).read_text())
    deployment = untyped.get("deployment") or {}
    resources = [dict(r) for r in deployment.get("resources") or []]
    short = stack_name.split("/")[-1]
    errors = [
        f"resource '{r['urn']}' is from a different stack ({r['urn'].split('::')[0][11:]} != "
        f"{short})"
        for r in resources
        if r["urn"].split("::")[0] != f"urn:pulumi:{short}"
    ]
    broken = integrity_error(resources)
    if broken:
        errors.append(f"state file contains errors: {broken}")
    if errors and not args.has("--force"):
        raise Failed(
            "\n".join(
                [*errors, "importing this file could be dangerous; rerun with --force to proceed"]
            )
            + " anyway"
        )
    for op in deployment.get("pending_operations") or []:
        urn = (op.get("resource") or {}).get("urn")
        print(
            f"warning: removing pending operation '{op.get('type')}' on '{urn}' from snapshot",
            file=sys.stderr,
        )
    root = next((r for r in resources if r.get("type") == ROOT_TYPE), None)
    stack["outputs"] = dict(root.get("outputs") or {}) if root else {}
    stack["resources"] = [r for r in resources if r.get("type") != ROOT_TYPE]
    stack.pop("pending_operations", None)
    world.save()
    return "Import complete."


def stack_ls(world: World) -> str:
    current = world.data.get("current_stack")
    return json.dumps(
        [
            {
                "name": name,
                "current": name == current,
                "updateInProgress": False,
                "resourceCount": len(s.get("resources", [])),
            }
            for name, s in world.data.get("stacks", {}).items()
        ]
    )


def stack_export(world: World, args: Args) -> str:
    """`stack export`: the checkpoint (apitype DeploymentV3), the root stack resource first with
    the stack outputs (once the stack holds anything)."""
    name = args.get("--stack")
    stack = world.stack(name)
    resources = list(stack.get("resources", []))
    if resources or stack.get("outputs"):
        urn = root_urn(world, name or world.data.get("current_stack", ""))
        root = {"urn": urn, "custom": False, "type": ROOT_TYPE, "outputs": stack.get("outputs", {})}
        resources.insert(0, root)
    deployment = {
        "manifest": {
            "time": "2026-11-26T00:00:00Z",
            "magic": "",
            "version": "v" + world.data.get("version", "3.272.0"),
        },
        "resources": resources,
    }
    if stack.get("pending_operations"):
        deployment["pending_operations"] = stack["pending_operations"]
    return json.dumps({"version": 3, "deployment": deployment}, indent=4)


def stack_output(world: World, args: Args) -> str:
    """`stack output --json [--show-secrets]`: the root stack resource's outputs
    (pkg/cmd/pulumi/stack/stack_output.go stackOutputCmd.Run: `{}` when there are none; our
    outputs hold no secrets, so both forms print the same)."""
    return json.dumps(world.stack(args.get("--stack")).get("outputs") or {})


def state_unprotect(world: World, args: Args) -> str:
    """`state unprotect [--stack S] [--yes] URN...` (pkg/cmd/pulumi/state/state_unprotect.go
    unprotectResourcesInSnapshot): clear `protect` on each URN's live record (records pending
    deletion are skipped); an unknown URN fails the whole edit (io.go resourceNotFoundError)."""
    stack = world.stack(args.get("--stack"))
    urns = args.words[2:] + args.rest
    if not urns:
        raise Failed("resource URN must be specified in non-interactive mode", code=2)
    live = [r for r in stack.get("resources", []) if not r.get("delete")]
    missing = [u for u in urns if not any(r["urn"] == u for r in live)]
    if missing:
        raise Failed(
            "\n".join(f'No such resource "{u}" exists in the current state' for u in missing)
        )
    for resource in live:
        if resource["urn"] in urns:
            resource["protect"] = False
    world.save()
    return f"{len(urns)} resources unprotected"


def failing(world: World, words: list[str]) -> str | None:
    """The stderr a test asked this command to fail with: `fail_commands: {prefix: message}` or
    `{prefix: {message, skip}}` (let the first `skip` matching calls succeed)."""
    line = " ".join(words)
    for prefix, rule in world.data.get("fail_commands", {}).items():
        if not line.startswith(prefix):
            continue
        if isinstance(rule, str):
            return rule
        if rule.get("skip", 0) > 0:
            rule["skip"] -= 1
            world.save()
            return None
        return str(rule["message"])
    return None


def interrupting(world: World, words: list[str]) -> str | None:
    """When a test asked for a ^C during this command (`interrupt_commands: {prefix: "before" |
    "after" | {at, skip}}`): `before` or `after` its edit is saved. Used once."""
    line = " ".join(words)
    rules = world.data.get("interrupt_commands", {})
    for prefix, rule in list(rules.items()):
        if not line.startswith(prefix):
            continue
        at, skip = (rule, 0) if isinstance(rule, str) else (rule["at"], rule.get("skip", 0))
        if skip > 0:
            rule["skip"] -= 1
        else:
            del rules[prefix]
        world.save()
        return None if skip > 0 else str(at)
    return None


def die_of_interrupt() -> None:
    """A ^C in the terminal reaches the caller and the CLI. Outside an update the CLI installs no
    handler (pkg/backend/cancellation_scope.go cancels gracefully only around updates, previews
    and imports: operations/import.go uses its scopes, state/*.go do not), and a Go program
    without one exits on SIGINT (os/signal package docs), so the process ends by the signal. An
    `import` interrupted "after" is approximated the same way: what it imported is saved and the
    command fails. The caller is signalled first and given a moment, as a terminal's ^C reaches
    the whole process group at once."""
    os.kill(os.getppid(), signal.SIGINT)
    time.sleep(0.05)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(1)  # not reached: the signal ends the process


def dispatch(world: World, args: Args) -> str:
    words = args.words
    command = " ".join(words[:2])
    message = failing(world, words)
    if message is not None:
        raise Failed(message)
    if words[:1] == ["version"]:
        return "v" + world.data.get("version", "3.272.0")
    if command == "stack select":
        name = args.get("--stack") or (words[2] if len(words) > 2 else "")
        world.stack(name)
        world.data["current_stack"] = name
        world.save()
        return ""
    if command == "stack ls":
        return stack_ls(world)
    if command == "stack export":
        return stack_export(world, args)
    if command == "stack output":
        return stack_output(world, args)
    if command == "state unprotect":
        return state_unprotect(world, args)
    if command in ("state remove", "state rm", "state delete"):
        if command != "state delete" and not has_state_remove(world):
            # Before 3.254.0 the command was only `state delete` (pulumi CHANGELOG 3.254.0); cobra
            # answers an unknown subcommand so (cobra command.go `Find` -> legacyArgs).
            raise Failed(f'unknown command "{words[1]}" for "pulumi state"')
        return state_remove(world, args)
    if command == "stack import":
        return stack_import(world, args)
    if command == "stack history":
        history = world.stack(args.get("--stack")).get("history", [])
        size = int(args.get("--page-size") or len(history) or 1)
        return json.dumps(history[:size])
    if command == "config set":
        config_set(world, args)
        return ""
    if command == "config set-all":
        config_set_all(world, args)
        return ""
    if command == "config rm":
        config_rm(world, args)
        return ""
    if command == "config get":
        return config_get(world, args)
    if words == ["config"]:
        return config_all(world, args)
    if words[:1] == ["preview"]:
        return run_engine(world, args, "preview")
    if words[:1] == ["up"]:
        return run_engine(world, args, "up")
    if words[:1] == ["import"]:
        return run_import(world, args)
    raise Failed(f"fake pulumi does not implement: {' '.join(words)}", code=2)


def main(argv: list[str]) -> int:
    scenario = os.environ.get("FAKE_PULUMI_SCENARIO")
    if not scenario:
        print("error: FAKE_PULUMI_SCENARIO is not set", file=sys.stderr)
        return 2
    world = World(Path(scenario))
    args = Args(argv)
    record(world, argv, args)
    interrupt = interrupting(world, args.words)
    if interrupt == "before":
        die_of_interrupt()
    try:
        out = dispatch(world, args)
        if interrupt == "after":
            world.save()
            die_of_interrupt()
    except Failed as failure:
        print(f"error: {failure}", file=sys.stderr)
        return failure.code
    if out:
        print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
