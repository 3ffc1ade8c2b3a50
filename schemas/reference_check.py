# Reference run for Tests/MonkPlanTests/AgreementTests.swift: checks its documents (and the
# shipped specs) with python jsonschema against the committed schema. Run: python3 schemas/reference_check.py
import re, json, yaml, jsonschema
import os
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
src = open(os.path.join(root, 'Tests/MonkPlanTests/AgreementTests.swift')).read()
minimal = "project: p\ndata:\n  train: data/train\n"
schema = json.load(open(os.path.join(root, 'schemas/monkpipe.schema.json')))
v = jsonschema.Draft202012Validator(schema)
ok = True
for m in re.finditer(r'^\s+\((minimal \+ )?"((?:[^"\\]|\\.)*)", (true|false)\),$', src, re.M):
    text = (minimal if m.group(1) else "") + m.group(2).encode().decode('unicode_escape')
    doc = yaml.safe_load(text)
    valid = v.is_valid(doc)
    expected = m.group(3) == 'true'
    print(('OK  ' if valid == expected else 'DIFF'), expected, repr(text[len(minimal) if m.group(1) else 0:])[:80])
    ok &= valid == expected
for f in ['pipelines/quickstart.yaml', 'pipelines/pneumonia.yaml', 'examples/sweep.yaml', 'examples/ci.yaml']:
    valid = v.is_valid(yaml.safe_load(open(os.path.join(root, f))))
    print('OK  ' if valid else 'DIFF', True, f)
    ok &= valid
print("all agree" if ok else "DISAGREEMENT")
