"""A stand-in `hashicorp/aws` provider: serves the schema of the pinned bindings over Terraform's plugin protocol.

Terraform itself then checks everything it owns (expressions, references, types, required arguments, block counts,
provider configuration, `import` blocks, the plan graph); the provider accepts every configuration and plans by
marking unset computed attributes unknown. It never talks to AWS.

With a store (STORE_JSON), it also answers for remote objects, as AWS would for drift: the store holds objects by
resource type and id (seeded by the tests from state files they build, `tests/terraform/drift_state.py`), which
ReadResource and ImportResourceState return, and what data sources read (a "data" section by type: the
organization's account list that a moving account's import looks up). The tests mutate the file between runs: an attribute changed is an
attribute changed outside Terraform, an object removed is an object deleted outside it, and an id (or a resource
type) listed under "fail" answers with that error, as a provider that cannot reach an account does. The file is
read on every call, so a test edits it while the server runs. Without a store, or with one that has no "objects"
section (only data sources, as the Terraform tier's session uses it), ReadResource returns the state as it is
(nothing ever drifts), and a replacement is judged only for objects the store holds.

    python -m tests.terraform.provider SCHEMA_JSON RESPONSE_BIN [TYPES_JSON [STORE_JSON]]   # prints TF_REATTACH_PROVIDERS

Protocol: gRPC over a unix socket, tfplugin6, attached through TF_REATTACH_PROVIDERS. The protobuf stubs
come from PyPI `tf` (its own schema API cannot express list and map nesting, so the schema messages are built here).
- tfplugin6: https://github.com/hashicorp/terraform/blob/v1.11.4/docs/plugin-protocol/tfplugin6.proto
- msgpack unknown value (ext 0): https://github.com/zclconf/go-cty/blob/main/cty/msgpack/unknown.go
- schema rules Terraform enforces ("NestingSet blocks may not contain attributes of cty.DynamicPseudoType",
  "MinItems and MaxItems must both be 0 in NestingMap mode"):
  https://github.com/hashicorp/terraform/blob/v1.11.4/internal/configs/configschema/internal_validate.go
- a data source's result must be wholly known ("produced a value for ... that is not wholly known"):
  https://github.com/hashicorp/terraform/blob/v1.11.4/internal/terraform/node_resource_abstract_instance.go
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
from concurrent import futures
from pathlib import Path

from modules.engine.forcenew import FORCE_NEW

UNKNOWN_CODE = 0


def to_pb_schema(pb, block: dict):
    """A tfplugin6 Schema.Block from the JSON schema (schema.py)."""
    attrs = [
        pb.Schema.Attribute(
            name=name, type=json.dumps(no_dynamic_set(t)).encode(), required="r" in flags, optional="o" in flags, computed="c" in flags
        )
        for name, (t, flags) in sorted(block["attrs"].items())
    ]
    nesting = {
        "list": pb.Schema.NestedBlock.LIST,
        "set": pb.Schema.NestedBlock.SET,
        "map": pb.Schema.NestedBlock.MAP,
        "single": pb.Schema.NestedBlock.SINGLE,
    }
    blocks = []
    for name, (n, mn, mx, inner) in sorted(block["blocks"].items()):
        if n == "set" and has_dynamic(inner):
            n = "list"  # Terraform refuses dynamic attributes in set blocks (wafv2 rules): same JSON, as a list
        # Terraform wants MinItems and MaxItems 0 in map and single nesting
        blocks.append(
            pb.Schema.NestedBlock(
                type_name=name,
                nesting=nesting[n],
                block=to_pb_schema(pb, inner),
                min_items=mn if n in ("list", "set") else 0,
                max_items=mx if n in ("list", "set") else 0,
            )
        )
    return pb.Schema.Block(attributes=attrs, block_types=blocks)


def has_dynamic(block: dict) -> bool:
    return any("dynamic" in json.dumps(t) for t, _ in block["attrs"].values()) or any(has_dynamic(b[3]) for b in block["blocks"].values())


def no_dynamic_set(t, in_set: bool = False):
    """A set type cannot hold dynamic values: make such sets lists."""
    if t == "dynamic" or not isinstance(t, list):
        return t
    if t[0] == "object":
        return ["object", {k: no_dynamic_set(v) for k, v in t[1].items()}]
    if t[0] == "set" and "dynamic" in json.dumps(t[1]):
        return ["list", no_dynamic_set(t[1])]
    return [t[0], no_dynamic_set(t[1])]


def build_response(schema: dict, types: set[str] | None = None) -> bytes:
    """The serialized GetProviderSchema response: every type (cached on disk), or only `types`."""
    from tf.gen import tfplugin_pb2 as pb

    def wrap(block):
        return pb.Schema(version=0, block=to_pb_schema(pb, block))

    def pick(kind):
        return {k: wrap(v) for k, v in schema[kind].items() if types is None or k in types}

    resp = pb.GetProviderSchema.Response(
        provider=wrap(schema["provider"]),
        resource_schemas=pick("resources"),
        data_source_schemas=pick("data_sources"),
        server_capabilities=pb.ServerCapabilities(get_provider_schema_optional=True),
    )
    return resp.SerializeToString()


# ---- values: msgpack-encoded cty values, walked with the JSON schema ----


def default_value(t, name: str):
    """A known placeholder for a computed attribute of a data source (Terraform wants data wholly known)."""
    if t == "string":
        return "{}" if name.endswith("json") or "policy" in name else "stand-in"
    if t == "number":
        return 0
    if t == "bool":
        return False
    if t == "dynamic":
        return None
    kind, inner = t
    if kind == "object":
        return {k: default_value(v, k) for k, v in inner.items()}
    if kind == "map":
        return {}
    return [default_value(inner, name)]  # one element, so that `x[0].y` resolves


def walk(block: dict, val, fill):
    """A copy of object `val` where each unset computed attribute is `fill(type, name)`."""
    if val is None:
        return None
    out = dict(val)
    for name, (t, flags) in block["attrs"].items():
        if out.get(name) is None and "c" in flags:
            out[name] = fill(t, name)
        elif name not in out:
            out[name] = None
    for name, (nesting, _, _, inner) in block["blocks"].items():
        v = out.get(name)
        if nesting in ("list", "set"):
            out[name] = [walk(inner, e, fill) for e in v or []]
        elif nesting == "map":
            out[name] = {k: walk(inner, e, fill) for k, e in (v or {}).items()}
        else:
            out[name] = walk(inner, v, fill)
    return out


def empty_object(block: dict, **known) -> dict:
    out = {name: None for name in block["attrs"]}
    for name, (nesting, *_rest) in block["blocks"].items():
        out[name] = {} if nesting == "map" else None if nesting == "single" else []
    out.update(known)
    return out


class StandIn:
    def __init__(self, schema_path: Path, response: bytes, types_file: Path | None = None, store: Path | None = None):
        import msgpack
        from tf.gen import tfplugin_pb2 as pb

        self.pb, self.msgpack, self.schema_path, self.response = pb, msgpack, schema_path, response
        self.unknown = msgpack.ExtType(UNKNOWN_CODE, b"\x00")
        self._schema = None
        self.types_file, self._filtered = types_file, (None, b"")
        self.store = store
        self.lock = threading.Lock()

    def remote(self) -> dict | None:
        """The store as the tests left it: {"objects": {type: {id: attributes}}, "fail": {id or type: message}}."""
        if self.store is None or not self.store.is_file():
            return None
        return json.loads(self.store.read_text())

    def error(self, summary: str, detail: str = ""):
        return self.pb.Diagnostic(severity=self.pb.Diagnostic.ERROR, summary=summary, detail=detail)

    @property
    def schema(self) -> dict:
        if self._schema is None:
            self._schema = json.loads(self.schema_path.read_text())
        return self._schema

    def decode(self, dv):
        if dv.msgpack:
            return self.msgpack.unpackb(dv.msgpack, raw=False, strict_map_key=False)
        return json.loads(dv.json) if dv.json else None

    def encode(self, value):
        return self.pb.DynamicValue(msgpack=self.msgpack.packb(value, use_bin_type=True))

    def empty(self, name: str):
        return getattr(self.pb, name).Response()

    # ---- RPCs ----
    def GetMetadata(self, req, ctx):
        return self.pb.GetMetadata.Response(server_capabilities=self.pb.ServerCapabilities(get_provider_schema_optional=True))

    def GetProviderSchema(self, req, ctx):
        """Only the types the session's stacks name, when the runner lists them: Terraform decodes the whole
        schema in every process (~0.3 s for 2,400 types), and needs no other type to check these stacks."""
        if self.types_file is None or not self.types_file.is_file():
            return self.response  # every type, already serialized
        with self.lock:
            listed = self.types_file.read_text()
            if self._filtered[0] != listed:
                self._filtered = listed, build_response(self.schema, set(json.loads(listed)))
            return self._filtered[1]

    def ValidateProviderConfig(self, req, ctx):
        return self.empty("ValidateProviderConfig")

    def ValidateResourceConfig(self, req, ctx):
        return self.empty("ValidateResourceConfig")

    def ValidateDataResourceConfig(self, req, ctx):
        return self.empty("ValidateDataResourceConfig")

    def ConfigureProvider(self, req, ctx):
        return self.empty("ConfigureProvider")

    def UpgradeResourceState(self, req, ctx):
        block = self.schema["resources"][req.type_name]
        raw = json.loads(req.raw_state.json) if req.raw_state.json else {}
        state = empty_object(block, **{k: v for k, v in raw.items() if k in block["attrs"] or k in block["blocks"]})
        return self.pb.UpgradeResourceState.Response(upgraded_state=self.encode(state))

    def ReadResource(self, req, ctx):
        remote = self.remote()
        if remote is None or "objects" not in remote:  # no objects known (at most data sources): nothing drifts
            return self.pb.ReadResource.Response(new_state=req.current_state, private=req.private)
        current = self.decode(req.current_state) or {}
        oid = current.get("id")
        failure = remote.get("fail", {}).get(oid) or remote.get("fail", {}).get(req.type_name)
        if failure:
            return self.pb.ReadResource.Response(diagnostics=[self.error(f"reading {req.type_name} ({oid})", failure)])
        stored = remote.get("objects", {}).get(req.type_name, {}).get(oid)
        if stored is None:  # gone: Terraform drops it from the state (a refresh-only plan reports it deleted)
            return self.pb.ReadResource.Response(new_state=self.encode(None), private=req.private)
        # The remote object's attributes over the state (blocks and dynamic values as they are): what AWS says now.
        attrs = self.schema["resources"][req.type_name]["attrs"]
        now = {**current, **{k: v for k, v in stored.items() if k in attrs and attrs[k][0] != "dynamic"}}
        return self.pb.ReadResource.Response(new_state=self.encode(now), private=req.private)

    def PlanResourceChange(self, req, ctx):
        """Unset computed attributes become unknown; a changed attribute that the real provider marks ForceNew (the
        compiler's own table, modules/engine/forcenew.py) requires a replacement, so Terraform applies prevent_destroy
        to it as it would with AWS."""
        block = self.schema["resources"][req.type_name]
        proposed = self.decode(req.proposed_new_state)
        planned = walk(block, proposed, lambda t, n: self.unknown)
        prior = self.decode(req.prior_state)
        replace = []
        known = ((self.remote() or {}).get("objects", {}).get(req.type_name)) or {}
        # judged against an object the store holds (a built state); an import with no stored object is a placeholder
        if prior is not None and planned is not None and prior.get("id") in known:
            for attr in FORCE_NEW.get(req.type_name, ()):
                old, new = prior.get(attr), planned.get(attr)
                if "." not in attr and self.unknown not in (old, new) and old != new:
                    replace.append(self.pb.AttributePath(steps=[self.pb.AttributePath.Step(attribute_name=attr)]))
        return self.pb.PlanResourceChange.Response(
            planned_state=self.encode(planned), planned_private=req.prior_private, requires_replace=replace
        )

    def ApplyResourceChange(self, req, ctx):
        diag = self.pb.Diagnostic(severity=self.pb.Diagnostic.ERROR, summary="the stand-in provider cannot apply")
        return self.pb.ApplyResourceChange.Response(diagnostics=[diag])

    def ImportResourceState(self, req, ctx):
        block = self.schema["resources"][req.type_name]
        stored = ((self.remote() or {}).get("objects", {}).get(req.type_name) or {}).get(req.id) or {}
        known = {k: v for k, v in stored.items() if k in block["attrs"] and block["attrs"][k][0] != "dynamic"}
        state = self.encode(empty_object(block, **{**known, "id": req.id}))
        return self.pb.ImportResourceState.Response(
            imported_resources=[self.pb.ImportResourceState.ImportedResource(type_name=req.type_name, state=state)]
        )

    def ReadDataSource(self, req, ctx):
        """With a store, what a data source computes comes from its "data" section ({type: attributes}), as AWS would
        answer (the organization's account list), and a type listed under "fail" answers with that error; what the
        section does not name gets placeholders."""
        block = self.schema["data_sources"][req.type_name]
        remote = self.remote() or {}
        failure = remote.get("fail", {}).get(req.type_name)
        if failure:
            return self.pb.ReadDataSource.Response(diagnostics=[self.error(f"reading {req.type_name}", failure)])
        config = self.decode(req.config) or {}
        answer = remote.get("data", {}).get(req.type_name) or {}
        known = {k: v for k, v in answer.items() if k in block["attrs"] and config.get(k) is None}
        state = walk(block, {**config, **known}, default_value)
        return self.pb.ReadDataSource.Response(state=self.encode(state))

    def GetFunctions(self, req, ctx):
        return self.empty("GetFunctions")

    def StopProvider(self, req, ctx):
        return self.empty("StopProvider")


def serve(schema_path: Path, response_path: Path, types_file: Path | None = None, store: Path | None = None) -> None:
    """One long-lived server for a whole session: every terraform process attaches to it (TF_REATTACH_PROVIDERS)
    instead of starting its own provider (3 starts per validate, 5 per plan, ~0.4 s each). Stops when stdin closes.
    https://developer.hashicorp.com/terraform/plugin/debugging#running-terraform-with-a-provider-in-debug-mode"""
    import grpc
    from tf.gen import grpc_controller_pb2 as ctl_pb
    from tf.gen import grpc_controller_pb2_grpc as ctl_rpc
    from tf.gen import grpc_stdio_pb2_grpc as stdio_rpc
    from tf.gen import tfplugin_pb2 as pb

    standin = StandIn(schema_path, response_path.read_bytes(), types_file, store)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    handlers = {}
    for method in pb.DESCRIPTOR.services_by_name["Provider"].methods:
        fn = getattr(standin, method.name, None)
        if fn is None:
            continue
        req_cls = getattr(pb, method.input_type.containing_type.name).Request
        ser = (lambda b: b) if method.name == "GetProviderSchema" else (lambda m: m.SerializeToString())
        handlers[method.name] = grpc.unary_unary_rpc_method_handler(fn, request_deserializer=req_cls.FromString, response_serializer=ser)
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler("tfplugin6.Provider", handlers)])

    class Controller(ctl_rpc.GRPCControllerServicer):
        def Shutdown(self, request, context):  # an attached Terraform leaves the server running
            return ctl_pb.Empty()

    class Stdio(stdio_rpc.GRPCStdioServicer):
        def StreamStdio(self, request, context):
            return iter(())

    ctl_rpc.add_GRPCControllerServicer_to_server(Controller(), server)
    stdio_rpc.add_GRPCStdioServicer_to_server(Stdio(), server)
    with tempfile.TemporaryDirectory(prefix="tf-standin-") as tmp:
        sock = f"{tmp}/plugin.sock"
        server.add_insecure_port(f"unix://{sock}")
        server.start()
        print(
            json.dumps(
                {
                    "registry.terraform.io/hashicorp/aws": {
                        "Protocol": "grpc",
                        "ProtocolVersion": 6,
                        "Pid": os.getpid(),
                        "Test": True,
                        "Addr": {"Network": "unix", "String": sock},
                    }
                }
            ),
            flush=True,
        )
        sys.stdin.read()  # until the runner closes our stdin (or exits)
        server.stop(grace=0.2).wait()


if __name__ == "__main__":
    os.environ.setdefault("GRPC_VERBOSITY", "NONE")
    serve(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]) if sys.argv[3:] else None, Path(sys.argv[4]) if sys.argv[4:] else None)
