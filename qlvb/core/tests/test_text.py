from qlvb.core.text import fold


def test_fold_handles_d_with_stroke_both_ways():
    assert fold("ĐÔN ĐỐC") == fold("đôn đốc") == fold("don doc") == "don doc"
    assert fold("Quyết định ban hành Quy chế") == "quyet dinh ban hanh quy che"
