#!/usr/bin/env python3
"""Runs every snippet of the corpus through go-jsonnet (the engine Kratos runs) and writes
expected.json: for each source, whether go-jsonnet refuses it before evaluating it ("static",
with line and column in characters), fails while evaluating it with ctx = {} ("runtime"), or
evaluates it ("ok"). Regenerate with `python3 core/tests/gojsonnet/generate.py` (needs
`pip install gojsonnet`)."""
import json, os, re
import _gojsonnet as g

HERE = os.path.dirname(os.path.abspath(__file__))

SNIPPETS = [
    # escapes
    r'"\x41"', r'"\u00e9"', r'"\u00g9"', r'"\u00"', r'"\/"', r'"\b\f\n\r\t\\\"\'"', r"'\"'",
    r'"a\q"', r'"é\x"', r'"\U0041"', r'"\0"', r'"\u00E9"', r"'\/'",
    # verbatim strings
    '@"a""b"', "@'a''b'", '@"\\x"', '@x', '@', '@"abc',
    # unterminated strings and comments
    '"abc', "'abc", '"\\', '/* x', '1 /* x', '1 # c', '1 // c', '/* a */ 1', '/*/ 1', '1 /**/',
    # text blocks
    '|||\n  a\n|||', '|||-\n  a\n|||', '|||  \n  a\n|||', '|||\na\n|||', '|||\n  a\n b\n|||',
    '|||\n  a\n  |||', '|||\n  a', '|||\n\ta\n\tb\n|||', '|||\n\n  a\n\n  b\n|||', '|||-\n  a\n  |||',
    '|||- \n  a\n|||', '|||-x\n  a\n|||', 'a ||| b', '1 |||', '{ a: 1 } ||| x', '|||\n  a\n   b\n|||',
    '|||\n    a\n  |||', '{a: |||\n  x\n|||}', '|||', '||||\n  a\n|||',
    # numbers
    '1e', '0x1', '01', '1._', '1_000', '1.', '1.e3', '1e+', '1__0', '1_', '0_1', '1e1_0', '1e_1',
    'x.1e', '1e999', '1.5', '0.5e-3', '1E+2', '0', '00', '1.5.a',
    # characters and operators
    'é', '`', '1==-1', '1 == -1', '1<=-1', '{a::-1}', '{a: -1}', '{a: 1}+-{}', '1 +/2', '1+//c\n2',
    '1-/*c*/2', '1 +|| 2', 'true||false', 'true&&!false', '1 <<2', '!', ':', '1 ; 2', '1 === 1',
    '~1', '+1', '-1', '1 !== 2', '$$', '1 % 2', '1 ^ 2 | 3 & 4',
    # unknown variables, self, super, $
    'foo', 'self', '$', 'super.a', 'super', '{a: super.b}', '"a" in super', '{a: "a" in super}',
    'ctx', 'function(ctx) ctx', 'function(ctx) ctxx', 'function(ctx) std.length(ctx)',
    '$ + self', '"\\x" + $', 'local a = $; 1', '{a: {[$.b]: 1}}', '{[$.a]: 1}', 'function(ctx) $',
    '[self]', '{a: self.b, b: 1}', '{a: $.b, b: 1}', '{local a = "x", [a]: 1}', 'x + "\\x"',
    '{a: super["\\x"]}', 'local x = y; 1', 'local x = x; 1',
    # order of errors
    '{assert "\\a", local a = "\\b", ["\\c"]: "\\d"}', '{local a = "\\b", ["\\c"]: "\\d"}',
    '{["\\c"]: "\\d"}', '{a: "\\d", ["\\c"]: 1}', '{local a = "\\b", c: "\\d"}',
    '{assert x, local a = y, [z]: w}', '{local a = y, [z]: w}', '{[z]: w}', '{a: w, [z]: 1}',
    '{assert x, a: w}', 'assert a : b; c', 'assert true : b; c', 'a in b', '"\\x" in "\\y"',
    'f(a=1)(x)', '[e for x in A if C1 for y in B if C2]', '[1 for x in A if true for y in B]',
    '[y for x in z]', '[a for x in b if c]', 'function(x=y) x', 'a[b:c:d]', 'a % b',
    '{[x]: y for x in z}', '{[a]: b for x in [1] if c}',
    # local forms and duplicates
    'local x = 1, x = 2; x', 'local x = 1; local x = 2; x', 'local a = 1, b = a; b',
    'local f(x) = 1, g = 2; 3', 'local f(x, x) = 1; 2', 'local f(x.y) = 1; 2', 'local', 'local x',
    'local x = 1', 'local x = 1 x', 'local x = 1, ; x', 'local f(x)(y) = 1; f',
    '{local a = 1, local a = 2, b: 1}', '{local x = 1 local y = 2}', '1 + local x = 1; x',
    # objects and fields
    '{a: 1, a: 2}', '{a: 1, "a": 2}', '{"\\u0041": 1, "A": 2}', '{ "a" : 1, @"a": 2 }',
    "{ 'a' : 1, |||\n  a\n|||: 2 }", '{a:: 1, a::: 2}', '{a: 1, b: 2 c: 3}', '{, }', '{a: 1,}',
    '{a: 1,,}', '{a+: 1}', '{a+:: 1}', '{a+::: 1}', '{a++: 1}', '{a:::: 1}', '{a = 1}', '{a}',
    '{f(x): x}', '{f(x)+: x}', '{a(x)+: 1}', '{f(x, y=1): x + y}', '{f(): 1}', '{[1]: 2}',
    '{a: 1}{b: 2}', '{a: 1} {b: 2}', 'local x = 1; x {a: 1}', 'a: 1', '{a: 1} + {a+: 2}',
    '{"\\x": 1}', '{f(x): x, g: self.f(1)}', '{assert true}', '{assert true : "m", a: 1}',
    '{assert self.a > 0, a: 1}', '{1: 2}', '{true: 1}', '{local: 1}', '{if: 1}',
    # object comprehensions
    '{ [x]: 1 for x in ["a"] }', '{[x]: 1, [y]:2 for x in ["a"]}', '{local a = 1, [x]: a for x in ["a"]}',
    '{[x]: 1 for x in ["a"], }', '{[x]: 1, for x in ["a"]}', '{[x]:: 1 for x in ["a"]}',
    '{[x]::: 1 for x in ["a"]}', '{[x]+: 1 for x in ["a"]}', '{a: 1 for x in ["a"]}',
    '{assert true, [x]: 1 for x in ["a"]}', '{for x in y}', '{[x]: 1 for x in ["a"] for y in [1] if y > 0}',
    '{[x]: self for x in ["a"]}', '{[self.a]: 1 for x in ["a"]}', '{[x + a]: 1, local a = "b" for x in ["a"]}',
    # arrays and comprehensions
    '[x,]', '[x for x in [1],]', '[1,,]', '[1, 2,]', '[]', '[,]', '[1 2]', '[x for x in [1] for x in [2]]',
    '[x for x in [1] if x]', '[x for y in [1]]', '[x for x [1]]', '[x for 1 in [1]]', '[x for x in [1] else]',
    '[1 for x in [1]', '[1, for x in [1]]',
    # functions and calls
    'function(x, x) 1', 'function(ctx, ctx=1) 1', 'function(x y) 1', 'function(x=1 y) 1', 'function(1) 1',
    'function(x,) 1', 'function(,) 1', 'function(x.y) 1', 'function((x)) 1', 'function(x, y=1, z) 1',
    'function ctx', 'function(ctx)', 'f(x y)', 'std.f(1,)', 'std.f(,)', 'std.f(a=1, a=2)', 'std.f(a=1, 2)',
    'std.length([1]) tailstrict', 'x tailstrict', '{a: 1}.a tailstrict', 'std.a(1) tailstrict',
    'function(ctx) function(x) x', 'function(ctx, extra = 2) {}', 'function() {}', 'function(ctx) (function(y) y)(1)',
    'std.f(a=1)', 'std.f(a = 1, b = 2)', 'std.f(1)(2)(3)',
    # indexing and slices
    'a[]', 'a[1:2:3:4]', 'a[:::]', 'a[::]', 'a[1 2]', '[1,2,3][1:2:3]', '[1,2,3][::2]', '[1,2,3][:]',
    '[1,2,3][1:]', '"abc"[0]', '{":": 1}[":"]', 'a.local', 'a.1', 'a.b.c', '{a: 1}.a', '{a: 1}["a"]',
    '[1][0:1:]', '[1][0::1]', 'std.x.y', 'std["extVar"]',
    # conditionals, errors, asserts
    'if true then 1', 'if true 1', 'if true then 1 else', 'if true then 1 else 2', 'error', 'error "x"',
    'assert true; 1', 'assert true 1', 'assert true : "m" 1', 'assert false; 1', 'if x then 1',
    # imports
    'importstr "x"', 'importbin "x"', 'import "x"', 'import |||\n  a\n|||', 'import "a" + "b"',
    'import ("a")', 'importstr "\\x"', 'import', 'local l = import "l.libsonnet"; function(ctx) l',
    # in super, misc
    '{a: "x" in super}', '{a: x in super}', 'true in super', '1 in {}', '"a" in {a: 1}',
    'null', 'true', 'false', '{}', '', ' ', '# only a comment', '1 1', ')', ']', '}',
    # surrogate escapes: go-jsonnet reads the six bytes after half a pair as its other half
    r'"\ud83d"', r"'\ud83d'", r'"\ude00"', r'"\ud83dx"', r'"\ud83d\ude00"', r'"\ud83d\u0041"',
    r'"\ude00\ud83d"', r'"\ud83d\u00"', r'"\ud83d\uzzzz"', r'"\ud83d\n"', r'"\ud83d\u00e9x"',
    r'"\uD83D\uDE00"', r'{"\ud83d": 1}', r'{a: 1}["\ud83d"]', r'@"\ud83d"', r"@'\ud83d'",
    '|||\n  \\ud83d\n|||', r'"\ud83d" 1', r'"\ud83d', r'"\ud83d\ud83d"', r'"\udbff\udfff"',
    r'"x\ud800"', r'"\ud800\\"', r'"\ud800\"', r'"\u00e9\ud83d"', r'{a: "\ud83d"}.b',
    # `in super` ends the expression unless an operator as loose as `in` follows
    '{a: "a" in super.b}', '{a: "a" in super[0]}', '{a: "a" in super + 1}', '{a: "a" in super * 2}',
    '{a: "a" in super == true}', '{a: "a" in super < 1}', '{a: "a" in super in {}}',
    '{a: "a" in super && true}', '{a: "a" in super(1)}', '{a: "a" in super {}}', '"a" in super.b',
    '{a: 1 + "a" in super.b}', '{a: -"a" in super}', '{a: "a" in super || "b" in super}',
    '{a: ("a" in super).b}', '{a: "a" in super ? 1}', '{a: "a" in super:: 1}',
    '{a: [x in super for x in ["a"]]}', '{a: "a" in super\n.b}', '{a: "a" in super tailstrict}',
    # escapes are checked as each string is parsed: before later syntax errors, `$` and
    # unknown variables
    r'"\x" 1', r'$ + "\x"', r'"\x" + $', r'[$, "\x"]', r'x + "\x"', r'"\x" + x',
    r'local a = "\x"; $', '$ 1', r'"\x" +', r'[1 2 "\x"]', r'["\x" 1]', r'"\x")', r'{"\x" 1}',
    r'{a: "\x" b: 1}', r'{["\x"]: 1, ["\y"]: 2}', r'import "\x"', r'importstr "\ud83d"',
    r'{a: 1, a: "\x"}', r'{a: "\x", a: 1}', r'{"\x": 1, "\x": 2}', r'@"\u"', r"@'\x'",
    '|||\n  \\x\n|||', r'function(x, x) "\x"', r'function(x="\x", x) 1', r'local x = 1, x = "\x"; x',
    r'[x for x in "\x"]', r'{[x]: "\x", [y]: 1 for x in []}', r'{a: "\x" for x in []}',
    r'std.f(a=1, "\x")', r'x[1:2:3:"\x"]', r'if "\x" then', r'assert "\x"', r'local f(x, x) = "\x"; 1',
    r'{a: "\x"}.a.local', r'"\x".1', r'{assert "\x", a: 1, a: 2}', r'{local a = "\x", local a = 1}',
    r'self + "\x"', r'super.a + "\x"', r'"\x" + super.a', r'{a: 1}.a.b tailstrict "\x"',
    r'"\ud83d" + "\x"', r'"\x" + "\ud83d"', r'local x = "\ud83d"; y', r'$ + "\ud83d"',
    r'"\u12"', r'"\u"', r'"\ud83d\u12"', '"\\ud83d\\"', '"a\\', r'"\x" "\y"',
    r'{[$]: "\x"}', r'{a: $, b: "\x"}', r'{"\x": $}', r'function(ctx) "\x" + ctx',
    # an operator tighter than the last one applied ends the expression (go-jsonnet returns up
    # through its loops for looser operators), which happens after a right operand or a
    # unary operand that ended early at `in super`
    '{a: {} in error "e" in super + 1}', '{a: 1 in error "e" in super + 1}', '{a: {} in error "e" in super.b}',
    '{a: -local a = 1; "a" in super.b}', '{a: -error "a" in super.b}', '{a: -"a" in super.b}',
    '{a: !if true then "a" in super.b else 1}', '{a: -local a = 1; "a" in super < 1}',
    '-local a = [importstr "a", ctx]; super.a[self].a in super.a',
    '-assert function(x) {} : self; super.a in super.a', '{a: 1 + -error "a" in super * 2}',
    '{a: [1][0] in error "e" in super(1)}', '{a: 1 * error "e" in super == true}',
    # `a in b` is desugared into `std.objectHasAll(b, a)`, its right operand first (found by
    # a differential fuzzer)
    'assert ctx; $ in $ {b: null}', '$ in $', 'a in $', '$ in a', '$ in {a: $}', '[$] in [$]',
    '$ % $', '$ in $ in $',
    # Kratos-shaped bodies
    'function(ctx) { email: ctx.identity.traits.email }',
    'function(ctx) std.prune({\n  a: |||\n    text\n  |||,\n})',
    'function(ctx) if std.objectHas(ctx, "identity") then { id: ctx.identity.id } else error "cancel"',
    'local claims = {}; function(ctx) { c: claims, flow: ctx.flow.id }',
    'function(ctx) {\n  email: ctx.identity.traits.email,,\n}',
    'function(ctx) { url: "https:\\/\\/x", b: "\\\\/" }',
]

# Nesting at go-jsonnet's limit: it evaluates at most 500 nested calls ("max stack frames
# exceeded"), one per level of nested arrays or objects and one per `for` clause, which
# check_body's depth limit (MAX_DEPTH) follows; each such snippet is long, so built here.
def nested(opening, middle, closing, n):
    return opening * n + middle + closing * n

SNIPPETS += [
    nested("[", "1", "]", 499), nested("[", "1", "]", 500),
    nested("{a:", "1", "}", 499), nested("{a:", "1", "}", 500),
    "[1 " + "for x in [1] " * 499 + "]", "[1 " + "for x in [1] " * 500 + "]",
    "[1 " + "for x in [1] if true " * 499 + "]",
    nested("[", "1", " for x in [1]]", 490), nested("[", "1", " for x in [1]]", 500),
    nested("{[x]: ", "1", ' for x in ["a"]}', 490), nested("{[x]: ", "1", ' for x in ["a"]}', 499),
    "function(ctx) " + nested("[", "1", "]", 498),
]

def kratos_templates():
    folder = os.path.join(HERE, "kratos")
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            yield name, f.read()

LOCATION = re.compile(r"^body\.jsonnet:\(?(\d+):(\d+)")

def verdict(source):
    try:
        g.evaluate_snippet("body.jsonnet", source, tla_codes={"ctx": "{}"})
        return {"verdict": "ok"}
    except RuntimeError as error:
        first = str(error).split("\n")[0]
        if first.startswith("RUNTIME ERROR"):
            return {"verdict": "runtime", "gojsonnet": first}
        found = LOCATION.match(first)
        assert found, first
        line, byte_column = int(found.group(1)), int(found.group(2))
        # go-jsonnet counts columns in bytes; check_body counts characters.
        text = source.split("\n")[line - 1] if line - 1 < len(source.split("\n")) else ""
        column = len(text.encode("utf-8")[: byte_column - 1].decode("utf-8", "replace")) + 1
        return {"verdict": "static", "line": line, "column": column, "gojsonnet": first}

def main():
    entries = []
    for source in SNIPPETS:
        entries.append({"source": source, **verdict(source)})
    for name, source in kratos_templates():
        entries.append({"source": source, "kratos": name, **verdict(source)})
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(entries, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(len(entries), "entries")

if __name__ == "__main__":
    main()
