#!/usr/bin/env python3
"""Static checks of the Odoo addon, runnable without Odoo (CI has none).

    python3 odoo_addon/tools/check_addon.py [ADDON_DIR] [--pylint]

Checks: the manifest's keys and values; every file it lists exists and every
XML/CSV file in the addon is listed; every XML file parses; every field a view
names is defined on that view's model by the addon (or, inside a x2many, on
the comodel); every ref/action/inherit_id/parent points at a record of the
addon or of a declared dependency; the security CSV has the right header and
an ACL line for every model the addon defines, for the addon's own groups
(declared in security/*.xml) only; the Python compiles; and, with --pylint
(when pylint-odoo is installed), every pylint-odoo check (OCA's full set: the
mandatory list and the optional ones).
Exit status 1 on any problem.
"""

import ast
import csv
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

REQUIRED_KEYS = ["name", "version", "license", "author", "depends", "data", "summary", "website", "category"]
ALLOWED_LICENSES = {"AGPL-3", "GPL-2", "GPL-2 or any later version", "GPL-3", "GPL-3 or any later version",
                    "LGPL-3", "Other OSI approved licence", "OEEL-1", "OPL-1", "Other proprietary"}
ACL_HEADER = ["id", "name", "model_id:id", "group_id:id", "perm_read", "perm_write", "perm_create", "perm_unlink"]
# Fields of the views' own structure that are not model fields.
NON_FIELD_ATTRS = set()


class Checker:
    def __init__(self, addon):
        self.addon = os.path.abspath(addon)
        self.module = os.path.basename(self.addon)
        self.problems = []
        self.manifest = {}
        self.models = {}  # model name -> {field: comodel or None}
        self.new_models = set()
        self.xml_ids = set()
        self.groups = set()

    def fail(self, where, text):
        self.problems.append("%s: %s" % (os.path.relpath(where, os.path.dirname(self.addon)), text))

    # -- manifest ----------------------------------------------------------------

    def check_manifest(self):
        path = os.path.join(self.addon, "__manifest__.py")
        try:
            self.manifest = ast.literal_eval(open(path).read())
        except (OSError, ValueError, SyntaxError) as err:
            self.fail(path, "cannot read the manifest: %s" % err)
            return
        m = self.manifest
        for key in REQUIRED_KEYS:
            if key not in m:
                self.fail(path, "missing key %r" % key)
        if not re.match(r"^1[6-9]\.0\.\d+\.\d+\.\d+$", m.get("version", "")):
            self.fail(path, "version %r is not <series>.x.y.z (e.g. 17.0.1.0.0)" % m.get("version"))
        if m.get("license") not in ALLOWED_LICENSES:
            self.fail(path, "license %r is not one Odoo accepts" % m.get("license"))
        for dep in ("base_setup", "product"):
            if dep not in m.get("depends", []):
                self.fail(path, "depends lacks %r" % dep)
        py_deps = m.get("external_dependencies", {}).get("python", [])
        for dep in ("zohosync-client", "grpcio", "protobuf"):
            if dep not in py_deps:
                self.fail(path, "external_dependencies.python lacks %r" % dep)
        if m.get("installable") is False:
            self.fail(path, "installable is False")
        listed = set()
        for rel in m.get("data", []) + m.get("demo", []):
            listed.add(rel)
            if not os.path.isfile(os.path.join(self.addon, rel)):
                self.fail(path, "data file %s does not exist" % rel)
        for bundle, files in m.get("assets", {}).items():
            for rel in files:
                rel = rel[1] if isinstance(rel, (list, tuple)) else rel
                if not rel.startswith(self.module + "/"):
                    continue
                if not os.path.isfile(os.path.join(os.path.dirname(self.addon), rel)):
                    self.fail(path, "asset %s in %s does not exist" % (rel, bundle))
        for sub in ("views", "security", "data"):
            base = os.path.join(self.addon, sub)
            for name in sorted(os.listdir(base)) if os.path.isdir(base) else []:
                rel = "%s/%s" % (sub, name)
                if name.endswith((".xml", ".csv")) and rel not in listed:
                    self.fail(os.path.join(base, name), "not listed in the manifest's data")
        for rel in ("readme/DESCRIPTION.md", "readme/USAGE.md", "readme/CONFIGURE.md", "static/description/icon.png"):
            if not os.path.isfile(os.path.join(self.addon, rel)):
                self.fail(self.addon, "missing %s" % rel)

    # -- python ---------------------------------------------------------------

    def check_python(self):
        for root, _dirs, files in os.walk(self.addon):
            for name in files:
                if not name.endswith(".py"):
                    continue
                path = os.path.join(root, name)
                try:
                    compile(open(path, "rb").read(), path, "exec")
                except SyntaxError as err:
                    self.fail(path, "does not compile: %s" % err)
                    continue
                if os.sep + "models" in path:
                    self.collect_models(path)

    def collect_models(self, path):
        tree = ast.parse(open(path).read(), path)
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            name = inherit = None
            fields = {}
            for stmt in cls.body:
                if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
                    continue
                target = stmt.targets[0]
                if not isinstance(target, ast.Name):
                    continue
                if target.id == "_name" and isinstance(stmt.value, ast.Constant):
                    name = stmt.value.value
                elif target.id == "_inherit" and isinstance(stmt.value, ast.Constant):
                    inherit = stmt.value.value
                elif isinstance(stmt.value, ast.Call):
                    func = stmt.value.func
                    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "fields":
                        comodel = None
                        if func.attr in ("One2many", "Many2many", "Many2one") and stmt.value.args:
                            arg = stmt.value.args[0]
                            comodel = arg.value if isinstance(arg, ast.Constant) else None
                        fields[target.id] = comodel
            model = name or inherit
            if not model:
                continue
            abstract = any(isinstance(b, ast.Attribute) and b.attr == "AbstractModel" for b in cls.bases)
            if name and name != inherit and not abstract:
                self.new_models.add(name)
            self.models.setdefault(model, {}).update(fields)

    # -- xml ------------------------------------------------------------------

    def check_xml(self):
        files = []
        for root, _dirs, names in os.walk(self.addon):
            files += [os.path.join(root, n) for n in names if n.endswith(".xml")]
        trees = {}
        for path in sorted(files):
            try:
                trees[path] = ET.parse(path)
            except ET.ParseError as err:
                self.fail(path, "does not parse: %s" % err)
        for model in self.new_models:
            self.xml_ids.add("model_" + model.replace(".", "_"))
        for path, tree in trees.items():
            for rec in tree.getroot().iter():
                if rec.tag in ("record", "menuitem", "template") and rec.get("id"):
                    self.xml_ids.add(rec.get("id"))
                if rec.tag == "record" and rec.get("model") == "res.groups" and "." not in rec.get("id", "."):
                    self.groups.add(rec.get("id"))
        for path, tree in trees.items():
            if "static" + os.sep in path:
                continue
            self.check_refs(path, tree)
            for rec in tree.getroot().iter("record"):
                if rec.get("model") == "ir.ui.view":
                    self.check_view(path, rec)

    def ref_ok(self, ref):
        if "." in ref:
            module, name = ref.split(".", 1)
            if module == self.module:
                return name in self.xml_ids
            return module in self.manifest.get("depends", []) or module in ("base", "web")
        return ref in self.xml_ids

    def check_refs(self, path, tree):
        for el in tree.getroot().iter():
            refs = []
            if el.get("ref"):
                refs.append(el.get("ref"))
            if el.tag == "menuitem":
                refs += [el.get(a) for a in ("action", "parent") if el.get(a)]
                refs += [g.strip() for g in (el.get("groups") or "").split(",") if g.strip()]
            if el.get("groups"):
                refs += [g.strip().lstrip("!") for g in el.get("groups").split(",") if g.strip()]
            if el.get("eval"):
                refs += re.findall(r"ref\(['\"]([\w.]+)['\"]\)", el.get("eval"))
            for attr in ("name", "context", "action"):
                value = el.get(attr) or ""
                refs += re.findall(r"%\(([\w.]+)\)d", value)
            for ref in refs:
                if not self.ref_ok(ref):
                    self.fail(path, "<%s> refers to %r, which is not defined" % (el.tag, ref))

    def check_view(self, path, rec):
        model = None
        arch = None
        for field in rec.findall("field"):
            if field.get("name") == "model":
                model = (field.text or "").strip()
            elif field.get("name") == "arch":
                arch = field
        if arch is None or not model:
            self.fail(path, "view %s has no model or arch" % rec.get("id"))
            return
        own = self.models.get(model)
        if own is None:
            self.fail(path, "view %s is on model %s, which the addon neither defines nor inherits" % (rec.get("id"), model))
            return
        self.check_arch_fields(path, rec.get("id"), model, arch)
        for button in arch.iter("button"):
            if button.get("type") == "object" and not self.method_exists(model, button.get("name")):
                self.fail(path, "view %s: button calls %s.%s, which the addon does not define"
                          % (rec.get("id"), model, button.get("name")))

    def check_arch_fields(self, path, view_id, model, node):
        fields = self.models.get(model, {})
        for child in node:
            if child.tag == "field" and child.get("name"):
                name = child.get("name")
                if name not in fields:
                    self.fail(path, "view %s names field %s.%s, which the addon does not define" % (view_id, model, name))
                    continue
                comodel = fields[name]
                if comodel and len(child):
                    self.check_arch_fields(path, view_id, comodel, child)
                    continue
            if child.tag == "label" and child.get("for") and child.get("for") not in fields:
                self.fail(path, "view %s: label for unknown field %s" % (view_id, child.get("for")))
            self.check_arch_fields(path, view_id, model, child)

    def method_exists(self, model, method):
        pattern = re.compile(r"^\s+def %s\(" % re.escape(method or ""), re.M)
        for root, _dirs, names in os.walk(os.path.join(self.addon, "models")):
            for name in names:
                if name.endswith(".py") and pattern.search(open(os.path.join(root, name)).read()):
                    return True
        return False

    # -- security -------------------------------------------------------------

    def check_security(self):
        path = os.path.join(self.addon, "security", "ir.model.access.csv")
        if not os.path.isfile(path):
            self.fail(self.addon, "no security/ir.model.access.csv")
            return
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
        if not rows or rows[0] != ACL_HEADER:
            self.fail(path, "header must be %s" % ",".join(ACL_HEADER))
            return
        seen_ids, covered = set(), set()
        for number, row in enumerate(rows[1:], 2):
            if len(row) != len(ACL_HEADER):
                self.fail(path, "line %d has %d columns" % (number, len(row)))
                continue
            if row[0] in seen_ids:
                self.fail(path, "line %d: duplicate id %s" % (number, row[0]))
            seen_ids.add(row[0])
            if not self.ref_ok(row[2]):
                self.fail(path, "line %d: model %s is not defined by the addon" % (number, row[2]))
            if row[3] not in self.groups:
                self.fail(path, "line %d: group %s is not one of the addon's groups %s" % (number, row[3], sorted(self.groups)))
            if any(v not in ("0", "1") for v in row[4:]):
                self.fail(path, "line %d: permissions must be 0 or 1" % number)
            covered.add(row[2])
        for model in self.new_models:
            if "model_" + model.replace(".", "_") not in covered:
                self.fail(path, "no access line for model %s" % model)

    # -- pylint-odoo ----------------------------------------------------------

    def check_pylint(self, python):
        try:
            subprocess.run([python, "-c", "import pylint_odoo"], capture_output=True, check=True)
        except (OSError, subprocess.CalledProcessError):
            print("pylint-odoo not installed for %s: its checks skipped" % python)
            return
        series = self.manifest.get("version", "17.0").split(".")[0] + ".0"
        # "odoolint" is pylint-odoo's checker: enabling it enables every one of its messages.
        cmd = [python, "-m", "pylint", "--load-plugins=pylint_odoo", "--disable=all", "--enable=odoolint",
               "--valid-odoo-versions=" + series,
               "--manifest-required-authors=" + self.manifest.get("author", ""),
               "--score=n", "--reports=n", self.addon]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            self.problems.append("pylint-odoo (all checks):\n%s" % result.stdout.strip())
        else:
            print("pylint-odoo: all checks pass")


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    addon = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "zoho_sync")
    checker = Checker(addon)
    checker.check_manifest()
    checker.check_python()
    checker.check_xml()
    checker.check_security()
    if "--pylint" in argv:
        checker.check_pylint(sys.executable)
    if checker.problems:
        print("\n".join(checker.problems))
        print("%s: %d problem(s)" % (checker.module, len(checker.problems)))
        return 1
    print("%s: manifest, %d XML files, security CSV, Python: OK" % (
        checker.module, sum(1 for r, _d, n in os.walk(checker.addon) for x in n if x.endswith(".xml"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
