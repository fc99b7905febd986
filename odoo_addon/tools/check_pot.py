#!/usr/bin/env python3
"""Check that i18n/zoho_sync.pot matches the addon's strings, without Odoo (CI has none).

    python3 odoo_addon/tools/check_pot.py [ADDON_DIR]

The .pot is made by Odoo's own exporter (see odoo_addon/README.md, Translations).
This extracts, statically, what that exporter would find, and fails on drift:
- every string of the Python code passed to _() or _lt() must be in the .pot,
  and every msgid the .pot has from Python code must still be in the code;
- every field's label, help and selection labels (literal arguments) must be in it;
- every string of the XML views, templates and static templates (string, help,
  placeholder, confirm, title, aria-label attributes; text of elements without
  child elements), of menus, actions, groups and the category, must be in it;
- every .po file in i18n/ must translate exactly the .pot's msgids.
Exit status 1 on any problem.
"""

import ast
import os
import re
import sys
import xml.etree.ElementTree as ET

ATTRS = ("string", "help", "placeholder", "confirm", "title", "aria-label", "alt")
RECORD_FIELDS = {
    "ir.actions.act_window": ("name", "help"),
    "ir.actions.server": ("name",),
    "ir.cron": ("name",),
    "res.groups": ("name", "comment"),
    "ir.module.category": ("name", "description"),
}


def unquote(text):
    return ast.literal_eval(text)


def read_po(path):
    """{msgid: (msgstr, [references])} of a .po/.pot file (the header entry left out)."""
    entries = {}
    for block in re.split(r"\n\s*\n", open(path, encoding="utf-8").read()):
        refs, parts, target = [], {"msgid": "", "msgstr": ""}, None
        for line in block.splitlines():
            if line.startswith("#:"):
                refs.extend(line[2:].split())
            elif line.startswith("msgid "):
                target = "msgid"
                parts[target] = unquote(line[6:])
            elif line.startswith("msgstr "):
                target = "msgstr"
                parts[target] = unquote(line[7:])
            elif line.startswith('"') and target:
                parts[target] += unquote(line)
        if parts["msgid"]:
            entries[parts["msgid"]] = (parts["msgstr"], refs)
    return entries


def normalize(text):
    return " ".join((text or "").split())


def python_strings(addon):
    """(_()/_lt() strings, field labels/helps/selection labels) of the addon's Python."""
    code, fields = set(), set()
    for root, _dirs, names in os.walk(addon):
        if os.sep + "tests" in root:
            continue
        for name in names:
            if not name.endswith(".py") or name == "__manifest__.py":
                continue
            tree = ast.parse(open(os.path.join(root, name), encoding="utf-8").read())
            selections = {}
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.List):
                    pairs = [e for e in node.value.elts if isinstance(e, ast.Tuple) and len(e.elts) == 2]
                    if pairs and all(isinstance(e.elts[1], ast.Constant) for e in pairs):
                        for target in node.targets:
                            if isinstance(target, ast.Name):
                                selections[target.id] = [e.elts[1].value for e in pairs]
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                if isinstance(func, ast.Name) and func.id in ("_", "_lt") and node.args:
                    if isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                        code.add(node.args[0].value)
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "fields":
                    args = list(node.args)
                    if func.attr == "Selection" and args:
                        sel = args.pop(0)
                        if isinstance(sel, ast.Name):
                            fields.update(selections.get(sel.id, []))
                    elif func.attr in ("Many2one", "One2many", "Many2many"):
                        args = args[2:] if func.attr == "One2many" else args[1:]
                    if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                        fields.add(args[0].value)
                    for kw in node.keywords:
                        if kw.arg in ("string", "help") and isinstance(kw.value, ast.Constant):
                            fields.add(kw.value.value)
    return code, fields


def xml_strings(addon):
    found = set()
    for root, _dirs, names in os.walk(addon):
        if os.sep + "tests" in root:
            continue
        for name in names:
            if not name.endswith(".xml"):
                continue
            tree = ET.parse(os.path.join(root, name))
            for el in tree.getroot().iter():
                if el.tag == "menuitem" and el.get("name"):
                    found.add(el.get("name"))
                if el.tag == "record" and el.get("model") in RECORD_FIELDS:
                    for field in el.findall("field"):
                        if field.get("name") in RECORD_FIELDS[el.get("model")] and field.get("type") != "html":
                            found.add(normalize(field.text))
                if el.tag == "app" and el.get("string"):
                    found.add(el.get("string"))
            # View archs and templates: attributes, and the text of leaf elements.
            archs = [f for f in tree.getroot().iter("field") if f.get("type") == "xml"]
            archs += list(tree.getroot().iter("template"))
            if "static" + os.sep in root:
                archs.append(tree.getroot())
            for arch in archs:
                for el in arch.iter():
                    for attr in ATTRS:
                        value = el.get(attr)
                        if value and not re.match(r"^[\W\d_]*$", value):
                            found.add(value)
                    if len(el) == 0 and el.text and normalize(el.text) and el.tag not in ("field", "t") \
                            and not re.match(r"^[\W\d_]*$", normalize(el.text)):
                        found.add(normalize(el.text))
    found.discard("")
    return found


def main(argv):
    addon = os.path.abspath(argv[0] if argv else os.path.join(os.path.dirname(__file__), "..", "zoho_sync"))
    module = os.path.basename(addon)
    pot_path = os.path.join(addon, "i18n", module + ".pot")
    problems = []
    if not os.path.isfile(pot_path):
        print("%s: missing (export it with Odoo, see odoo_addon/README.md)" % pot_path)
        return 1
    pot = read_po(pot_path)
    msgids = {normalize(m) for m in pot}
    code, fields = python_strings(addon)
    views = xml_strings(addon)
    # Odoo's exporter keeps inline siblings (spans, icons) together in one term with their markup.
    marked_up = [m for m in msgids if "<" in m]
    for what, strings in (("Python _()", code), ("field", fields), ("XML", views)):
        for text in sorted(strings):
            text = normalize(text)
            if text not in msgids and not (what == "XML" and any(text in m for m in marked_up)):
                problems.append("%s string not in %s.pot: %r" % (what, module, text))
    code_norm = {normalize(t) for t in code}
    for msgid, (_msgstr, refs) in sorted(pot.items()):
        if refs and all(r.startswith("code:") and r.split(":")[1].endswith(".py") for r in refs):
            if normalize(msgid) not in code_norm:
                problems.append("%s.pot has a Python string the code no longer has: %r" % (module, msgid))
    for name in sorted(os.listdir(os.path.dirname(pot_path))):
        if not name.endswith(".po"):
            continue
        po = read_po(os.path.join(os.path.dirname(pot_path), name))
        missing = set(pot) - set(po)
        extra = set(po) - set(pot)
        untranslated = [m for m, (s, _r) in po.items() if m in pot and not s]
        for m in sorted(missing):
            problems.append("%s lacks %r" % (name, m))
        for m in sorted(extra):
            problems.append("%s has %r, which the .pot no longer has" % (name, m))
        for m in sorted(untranslated):
            problems.append("%s leaves %r untranslated" % (name, m))
    if problems:
        print("\n".join(problems))
        print("%s translations: %d problem(s); re-export the .pot with Odoo and update the .po files" % (
            module, len(problems)))
        return 1
    print("%s translations: %d msgids in the .pot; code, fields and views covered; .po files complete" % (
        module, len(pot)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
