"""Hypothesis strategies for values a database or a recursive reader cannot take: text with a lone UTF-16
surrogate or a NUL character, and objects nested past the depth limit."""

from hypothesis import strategies as st

from indicators.ingest.messages import MAX_DEPTH

# Hypothesis' text leaves out surrogates: one is put between two plain texts, so it can never pair up.
lone_surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
bad_texts = st.builds(
    lambda before, bad, after: f"{before}{bad}{after}",
    st.text(max_size=5),
    lone_surrogates | st.just("\x00"),
    st.text(max_size=5),
)


def nested(levels: int) -> dict:
    value: dict = {"leaf": 1}
    for _ in range(levels - 1):
        value = {"n": value}
    return value


# Deep enough to break the limit wherever it sits in a message; shallow enough for json.dumps.
deep_values = st.integers(MAX_DEPTH, MAX_DEPTH + 200).map(nested)
bad_values = bad_texts | deep_values | st.dictionaries(bad_texts, st.integers(), min_size=1, max_size=1)
