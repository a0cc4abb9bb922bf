"""Custom rules in the original CUSTOM_RULES guide's shape (used by tests/rank)."""


def custom_paper_filter(paper, config):
    return "retracted" not in paper["title"].lower()


def custom_paper_score(paper, config):
    return 2.0 if "cs.DC" in paper["categories"] else 0.0


def broken_score(paper, config):
    raise RuntimeError("boom")
