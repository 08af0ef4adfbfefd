

def test_smoke(imported_a, union_a):
    print("\n".join(imported_a.lines()))
    assert imported_a.created["article"] == 27
