"""The `hashicorp/aws` provider schema, derived from the pinned CDK Terrain bindings (no provider download).

The bindings' compiled JavaScript (`cdktn_provider_aws/_jsii/provider-aws@<version>.jsii.tgz`) is generated from
`terraform providers schema -json` and keeps what Terraform needs:
- every attribute and block carries a comment `// <tf_name> - computed: X, optional: Y, required: Z`, followed by
  its getter (`getStringAttribute`, `new FooList(this, "foo", wrapsSet)`, `new FooOutputReference(this, "foo")`, ...);
- each struct's `fooToHclTerraform` function gives every settable key `isBlock`, `type` (simple, list, set, map,
  struct) and `storageClassType` (string, stringList, numberMap, ...);
- the provider's own structs have no output references: their `.d.ts` interfaces say which keys are optional.

The result is a plain JSON document (see `block()` for its shape), cached per bindings version in CACHE_DIR.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = ROOT / ".cache" / "terraform"
FORMAT = 3  # bump when the shape of the cached schema changes

COMMENT = re.compile(r"^\s*// (\w+) - computed: (true|false), optional: (true|false), required: (true|false)$", re.M)
CLASS = re.compile(r"^class (\w+) extends ([\w.]+) \{\n(.*?)^\}$", re.M | re.S)
HCL_FN = re.compile(r"^function (\w+)ToHclTerraform\(struct\) \{\n(.*?)^\}$", re.M | re.S)
HCL_ENTRY = re.compile(
    r'^\s+"?(\w+)"?: \{\n\s+value: (.*?),\n\s+isBlock: (true|false),\n\s+type: "(\w+)",\n'
    r'\s+storageClassType: "(\w+)",',
    re.M,
)
STRUCT_FN = re.compile(r"(\w+)ToHclTerraform\b")
NEW_COMPLEX = re.compile(r'new (?!cdktn\.)(?:[\w]+\.)?(\w+?)(OutputReference|List|Map)\(this, "\w+"(?:, (true|false))?\)')
DTS_MEMBER = re.compile(r"#(\w+) \w+#\w+\}\s*\*/\s*readonly (\w+)(\??):", re.S)
DTS_IFACE = re.compile(r"^export interface (\w+) \{\n(.*?)^\}$", re.M | re.S)

PRIMITIVE = {"string": "string", "number": "number", "boolean": "bool", "any": "dynamic"}
GETTER = [  # (pattern in the getter, cty type) for attributes that only a getter describes
    ("Token.asNumberList(cdktn.Fn.tolist(", ["set", "number"]),
    ("Fn.tolist(this.getListAttribute", ["set", "string"]),
    ("getNumberListAttribute", ["list", "number"]),
    ("getListAttribute", ["list", "string"]),
    ("getStringMapAttribute", ["map", "string"]),
    ("getNumberMapAttribute", ["map", "number"]),
    ("getBooleanMapAttribute", ["map", "bool"]),
    ("new cdktn.StringMap(", ["map", "string"]),
    ("new cdktn.NumberMap(", ["map", "number"]),
    ("new cdktn.BooleanMap(", ["map", "bool"]),
    ("getStringAttribute", "string"),
    ("getNumberAttribute", "number"),
    ("getBooleanAttribute", "bool"),
]


def bindings_tgz() -> Path:
    import importlib.util  # find the package without importing it (that would start Node)

    spec = importlib.util.find_spec("cdktn_provider_aws")
    found = sorted((Path(spec.submodule_search_locations[0]) / "_jsii").glob("provider-aws@*.jsii.tgz"))
    if not found:
        raise FileNotFoundError("no provider-aws@*.jsii.tgz in cdktn_provider_aws")
    return found[-1]


def storage_type(kind: str, storage: str):
    """cty type of a non-block key from its HCL `type` and `storageClassType` (e.g. set + stringList)."""
    if kind == "simple":
        return PRIMITIVE[storage]
    inner = storage
    for suffix in ("List", "Map"):  # stringListMap = map(list(string)): peel the outer suffix first
        if inner.endswith(suffix) and inner != suffix:
            inner = inner[: -len(suffix)]
            break
    elem = storage_type("simple", inner) if inner in PRIMITIVE else storage_type("list" if inner.endswith("List") else "map", inner)
    return [kind, elem]


class Module:
    """One binding module (a resource, data source or the provider): its classes, HCL functions, interfaces."""

    def __init__(self, js: str, dts: str):
        self.classes = {m[1]: (m[2], m[3]) for m in CLASS.finditer(js)}
        self.hcl = {m[1].lower(): self.entries(m[2]) for m in HCL_FN.finditer(js)}
        self.ifaces = {m[1]: m[2] for m in DTS_IFACE.finditer(dts)}

    @staticmethod
    def entries(body: str) -> dict:
        return {m[1]: {"value": m[2], "block": m[3] == "true", "type": m[4], "storage": m[5]} for m in HCL_ENTRY.finditer(body)}

    def fields(self, body: str) -> list[tuple[str, str, str]]:
        """(tf name, flags, getter text) for each commented key of a class body."""
        marks = list(COMMENT.finditer(body))
        out = []
        for i, m in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(body)
            flags = ("c" if m[2] == "true" else "") + ("o" if m[3] == "true" else "") + ("r" if m[4] == "true" else "")
            out.append((m[1], flags, body[m.end() : end]))
        return out

    def struct_kind(self, name: str) -> str | None:
        """'single' (an object), 'list1' (a list of at most one) or None when no output reference exists."""
        cls = self.classes.get(name + "OutputReference")
        if cls is None:
            return None
        return "list1" if "terraformAttribute, false, 0)" in cls[1] else "single"

    def struct(self, name: str, path: tuple) -> dict:
        """The block of struct `name` (its keys from the output reference, or from the .d.ts interface)."""
        hcl = self.hcl.get(name.lower(), {})
        cls = self.classes.get(name + "OutputReference")
        if cls is not None:
            return self.block(self.fields(cls[1]), hcl, path + (name,))
        # no output reference (the provider's own structs): keys from HCL, optional-ness from the interface
        optional = {tf: q == "?" for tf, _, q in DTS_MEMBER.findall(self.ifaces.get(name, ""))}
        fields = [(tf, "o" if optional.get(tf, True) else "r", "") for tf in hcl]
        return self.block(fields, hcl, path + (name,))

    def block(self, fields, hcl: dict, path: tuple) -> dict:
        """{"attrs": {name: [cty type, flags]}, "blocks": {name: [nesting, min, max, block]}}."""
        attrs, blocks = {}, {}
        if len(path) > 14:
            return {"attrs": attrs, "blocks": blocks}
        for tf, flags, getter in fields:
            entry = hcl.get(tf)
            new = NEW_COMPLEX.search(getter)
            struct = None
            if entry and entry["type"] in ("list", "set", "map", "struct") and entry["storage"][0].isupper():
                fn = STRUCT_FN.search(entry["value"])
                struct = fn[1][0].upper() + fn[1][1:] if fn else None
            elif new and not entry:
                struct = new[1]
            if struct is not None:
                if struct in path:  # recursive schema (wafv2 statements): cut here
                    continue
                kind = self.struct_kind(struct)
                inner = self.struct(struct, path)
                if entry and entry["block"]:
                    nesting = {"list": "list", "set": "set", "map": "map", "struct": "single"}[entry["type"]]
                    if nesting == "list" and kind == "list1":
                        blocks[tf] = ["list", 1 if "r" in flags else 0, 1, inner]
                    else:
                        blocks[tf] = [nesting, 1 if "r" in flags and nesting != "single" else 0, 0, inner]
                    continue
                obj = ["object", {k: v[0] for k, v in inner["attrs"].items()}]
                obj[1].update({k: block_type(b) for k, b in inner["blocks"].items()})
                if new and new[2] == "Map":
                    attrs[tf] = [["map", obj], flags]
                elif new and new[2] == "List":
                    attrs[tf] = [["set" if new[3] == "true" else "list", obj], flags]
                else:
                    attrs[tf] = [obj if kind == "single" else ["list", obj], flags]
                continue
            if entry:
                ctype = storage_type(entry["type"], entry["storage"])
            else:
                ctype = next((t for pat, t in GETTER if pat in getter), "dynamic")
            attrs[tf] = [ctype, flags or "o"]
        return {"attrs": attrs, "blocks": blocks}


def block_type(b: list):
    """The cty type of a nested block (for a computed attribute that holds one)."""
    nesting, _, _, inner = b
    obj = ["object", {k: v[0] for k, v in inner["attrs"].items()}]
    obj[1].update({k: block_type(x) for k, x in inner["blocks"].items()})
    return obj if nesting == "single" else [nesting, obj]


BASES = {"cdktn.TerraformResource": "resources", "cdktn.TerraformDataSource": "data_sources", "cdktn.TerraformProvider": "provider"}


def extract(tgz: Path) -> dict:
    """Read every module of the bindings and return {"version", "provider", "resources", "data_sources"}."""
    files: dict[str, list[str]] = {}
    with tarfile.open(tgz) as tar:
        for member in tar:
            parts = member.name.split("/")
            if len(parts) < 4 or parts[1] != "lib" or not member.name.endswith((".js", ".d.ts")):
                continue
            text = tar.extractfile(member).read().decode()
            text = text.split("\n//# sourceMappingURL=", 1)[0]
            files.setdefault(parts[2], []).append((member.name, text))
    out = {"version": tgz.name, "provider": None, "resources": {}, "data_sources": {}}
    for _name, texts in sorted(files.items()):
        js = "\n".join(t for n, t in sorted(texts) if n.endswith(".js"))
        dts = "\n".join(t for n, t in sorted(texts) if n.endswith(".d.ts"))
        mod = Module(js, dts)
        for cls, (base, body) in mod.classes.items():
            kind = BASES.get(base)
            if kind is None:
                continue
            hcl_body = body.split("synthesizeHclAttributes() {", 1)[-1]
            block = mod.block(mod.fields(body), Module.entries(hcl_body), (cls,))
            if kind == "provider":
                block["attrs"].pop("alias", None)  # a meta-argument of Terraform, never in a provider's schema
                out["provider"] = block
            else:
                tf_type = re.search(r'static tfResourceType = "(\w+)";', body)[1]
                out[kind][tf_type] = block
    return out


def cache_path(tgz: Path) -> Path:
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:10]
    return CACHE_DIR / f"schema-{tgz.name.removesuffix('.jsii.tgz')}-{FORMAT}-{code}.json"


def load() -> dict:
    """The schema, from the cache or extracted now (~30 s once per bindings version)."""
    tgz = bindings_tgz()
    path = cache_path(tgz)
    if path.is_file():
        return json.loads(path.read_text())
    schema = extract(tgz)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(schema, separators=(",", ":")))
    tmp.replace(path)
    for stale in path.parent.glob("schema-*"):
        if stale != path and not stale.name.startswith(path.stem + "-"):
            stale.unlink()  # other bindings versions or an older extractor
    return schema


if __name__ == "__main__":
    s = load()
    print(f"{len(s['resources'])} resources, {len(s['data_sources'])} data sources", file=sys.stderr)
    for name in sys.argv[1:]:
        print(json.dumps(s["resources"].get(name) or s["data_sources"].get(name) or s["provider"], indent=1))
