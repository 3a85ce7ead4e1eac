"""Repository and user names.

Names look like the Hub's: official releases carry their published names (`Llama-3.1-8B`,
`Qwen2.5-1.5B`, `Mixtral-8x7B-v0.1`), community repos mix their base's name, a size and words
(`llama-3.1-8b-sft-nova`, `saga-7B`, `tiny-spark`), quantizations append `-GGUF`, `-AWQ`...
Sizes are often, not always, written; some digits mislead (`Llama-3`, `v0.2`, `2407`,
`patch16-224`), and a few written sizes are wrong on purpose (`WRONG_SIZE_RATE`).

Every random choice is drawn vectorised; strings are then assembled in one pass in model order, so
that a child, always after its parent, can reuse the parent's name.
"""

import re
from collections.abc import Mapping, Sequence

import numpy as np

from simulated_hub.taxonomy import ADAPTER, BASE, FINETUNE, GGUF, GPTQ, QUANTIZED

WRONG_SIZE_RATE = 0.04  # community names that write another size than the true one
MAX_NAME_LENGTH = 96  # the Hub's limit on a repository name
MAX_PARENT_IN_NAME = 48  # longer parent names are not repeated in a child's name


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


WORDS = _words(
    """
    nova zephyr hermes dolphin orca spark atlas saga aurora nebula falcon phoenix titan echo lumen sage
    pixel quill raven ember cobalt delta onyx polar quantum rune sol tempo umbra vega wave zenith apex
    blaze cedar drift fable glyph harbor iris jade kite lotus mosaic nimbus opal prism quest ridge sable
    tide unity vivid willow yarrow zen chat instruct coder math reasoner tiny mini small uncensored
    abliterated roleplay storyteller medical legal finance bio chem edu poet tutor agent assistant
    helper sft dpo orpo kto rlhf distilled pruned merged mix blend
    """
)
DATASETS = _words(
    """
    sst2 imdb squad squad_v2 conll2003 mnli xsum cnn_dailymail emotion ag_news common_voice librispeech
    cifar10 food101 beans wikiann yelp tweet_eval glue alpaca ultrachat oasst1 gsm8k math code_alpaca
    openhermes
    """
)
USER_FIRST = _words(
    """
    alex maria kai lena omar yuki noah ines liam sara ivan mei arjun zoe hugo nina tomas aisha leo emma
    ravi lucia jonas anya felix chloe diego hana mateo elif oscar priya samuel tara victor wen yara
    bruno clara dmitri eva farid greta hiro ilya jana karim lara milo nadia otto paula quinn rosa stefan
    tina uma vera wei xavier yusuf zara deep neural open data ml ai nlp vision byte tensor vector pixel
    token lambda sigma gradient
    """
)
USER_SECOND = _words(
    """
    dev ai lab labs ml nlp research hf models x codes tech works hub studio group team science cv audio
    bot io net py gpu
    """
)
GGUF_SUFFIXES = ("GGUF", "GGUF", "GGUF", "i1-GGUF", "Q4_K_M-GGUF", "Q8_0-GGUF")
GPTQ_SUFFIXES = ("GPTQ", "GPTQ-Int4", "4bit-gptq")
AWQ_SUFFIXES = ("AWQ", "awq")


def _join(*parts: str) -> str:
    return "-".join(filter(None, parts))


def make_unique(names: Sequence[str]) -> list[str]:
    """Append `-v2`, `-v3`... to later duplicates, case-insensitively as Hub ids are; the first
    occurrence keeps its name. Duplicates are found on an array of string hashes rather than a
    set of millions of strings."""
    keys = np.fromiter((hash(name.lower()) for name in names), np.int64, len(names))
    order = np.argsort(keys, kind="stable")  # equal keys stay in model order
    sorted_keys = keys[order]
    later = order[1:][sorted_keys[1:] == sorted_keys[:-1]]

    def taken(key: str) -> bool:
        h = hash(key)
        pos = int(np.searchsorted(sorted_keys, h))
        return key in added or (pos < len(sorted_keys) and sorted_keys[pos] == h)

    unique = list(names)
    added: set[str] = set()
    next_version: dict[str, int] = {}
    for i in np.sort(later).tolist():
        key = names[i].lower()
        version = next_version.get(key, 2)
        while taken(f"{key}-v{version}"):
            version += 1
        next_version[key] = version + 1
        unique[i] = f"{names[i]}-v{version}"
        added.add(f"{key}-v{version}")
    return unique


def user_names(rng: np.random.Generator, n: int, reserved: set[str]) -> list[str]:
    """`n` distinct plausible user names (`kai-lab`, `mariadev`, `nina_ml3`) in random order, none
    equal (case-insensitively) to a `reserved` organisation name."""
    separators = rng.integers(0, 3, n).tolist()
    names = []
    k = 0
    while len(names) < n:
        first = USER_FIRST[k % len(USER_FIRST)]
        second = USER_SECOND[(k // len(USER_FIRST)) % len(USER_SECOND)]
        round_ = k // (len(USER_FIRST) * len(USER_SECOND))
        name = first + ("", "-", "_")[separators[len(names)]] + second + (str(round_ + 1) if round_ else "")
        if name.lower() not in reserved:
            names.append(name)
        k += 1
    return [names[i] for i in rng.permutation(n).tolist()]


# A token of a name that states a parameter count, as this world writes them: `7B`, `1.5b`,
# `350m`, `1_8B` (Qwen's decimal), `7b1` (BLOOM's 7.1B), `8x7B` (a mixture: eight experts of 7B).
_DENSE_COUNT = re.compile(r"(\d+)(?:[._](\d+))?([bm])")
_BLOOM_COUNT = re.compile(r"(\d+)b(\d)")
_EXPERTS_COUNT = re.compile(r"(\d+)x(\d+)b")


def _token_count(token: str) -> int | None:
    if dense := _DENSE_COUNT.fullmatch(token):
        whole, decimals, unit = dense.groups()
        value = float(f"{whole}.{decimals}" if decimals else whole)
        return round(value * (1e9 if unit == "b" else 1e6))
    if bloom := _BLOOM_COUNT.fullmatch(token):
        return round(float(f"{bloom[1]}.{bloom[2]}") * 1e9)
    if experts := _EXPERTS_COUNT.fullmatch(token):
        return int(experts[1]) * int(experts[2]) * 1_000_000_000
    return None


def stated_parameters(repo_name: str, releases: Mapping[tuple[str, ...], int] | None = None) -> int | None:
    """The parameter count a name of this world states, or None when it states none.

    The world builds every name by joining words, release names, size labels and suffixes with
    `-`, so a name states what its first `-`-separated tokens that say a size say: a release
    written with its size (`releases`: the lower-cased tokens of `<short>-<label>`, such as
    `llama-2-7b` or `falcon-7b`, to its published count: a reader who knows the release reads
    `nova-llama-2-7b` as Llama-2-7b's 6.74 B), else a size label alone (`7B`, `1.5b`, `350m`,
    `1_8B`, BLOOM's `7b1`, a mixture's `8x7B` as 8 x 7B; `OLMoE-1B-7B-0924` alone states 1B).
    Never a count: digits glued to a word (`Llama-3`, `A2.7B`, `qwen2.5`), other units (`4k`,
    `3T`, `4bit`, `Int4`, `Q4_K_M`), numbers alone (`2407`, `224`).
    It is what the name says, right or wrong: the world writes wrong sizes on purpose
    (`WRONG_SIZE_RATE`), nominal ones (`dolphin-7b` on a 6.74 B model) and release names on
    community models whose true size differs a little from the release's."""
    releases = releases or {}
    lengths = sorted({len(key) for key in releases}, reverse=True)
    tokens = repo_name.lower().split("-")
    for i, token in enumerate(tokens):
        for length in lengths:
            if (published := releases.get(tuple(tokens[i : i + length]))) is not None:
                return published
        if (count := _token_count(token)) is not None:
            return count
    return None


def written_sizes(
    rng: np.random.Generator, labels: Sequence[str], is_count: np.ndarray, count_labels: Sequence[str]
) -> list[str]:
    """Size labels as community names write them: often lower-cased; `WRONG_SIZE_RATE` of the
    labels that are counts (`7B`, `350M`; `is_count`) are replaced by another count."""
    n = len(labels)
    lower = (rng.random(n) < 0.35).tolist()
    wrong = (is_count & (rng.random(n) < WRONG_SIZE_RATE)).tolist()
    other = rng.integers(0, len(count_labels), n).tolist()
    return [
        count_labels[o] if w else (label.lower() if low else label)
        for label, low, w, o in zip(labels, lower, wrong, other, strict=True)
    ]


def model_names(
    rng: np.random.Generator,
    kind: np.ndarray,
    official: np.ndarray,
    parent: np.ndarray,
    quant: np.ndarray,
    diffusion: np.ndarray,
    task_finetune: np.ndarray,
    official_name: Sequence[str],
    short: Sequence[str],
    size_label: Sequence[str],
    official_suffix: Sequence[str],
) -> list[str]:
    """Repository names (without the author) for every model, parents before children.

    `official` marks repos published by the family's organisation: they use the release's name
    (`official_name`) or their parent's plus `official_suffix` (`Instruct`, `it`, `mnli`).
    `short` is how the community refers to the release (`llama-3.1`), `size_label` the size as the
    community writes it; `task_finetune` marks encoder/speech/vision fine-tunes, named
    `<parent>-finetuned-<dataset>` as the Trainer does.
    """
    n = len(kind)
    template = rng.integers(0, 5, n).tolist()
    w1 = rng.integers(0, len(WORDS), n).tolist()
    w2 = rng.integers(0, len(WORDS), n).tolist()
    dataset = rng.integers(0, len(DATASETS), n).tolist()
    variant = rng.integers(0, len(GGUF_SUFFIXES), n).tolist()
    lower = (rng.random(n) < 0.3).tolist()
    columns = (
        kind.tolist(),
        official.tolist(),
        parent.tolist(),
        quant.tolist(),
        diffusion.tolist(),
        task_finetune.tolist(),
    )
    names: list[str] = []
    for i, (k, is_official, p, q, is_diffusion, is_task) in enumerate(zip(*columns, strict=True)):
        t, a, b, size, base = template[i], WORDS[w1[i]], WORDS[w2[i]], size_label[i], short[i]
        parent_name = names[p] if p >= 0 else ""
        quotes_parent = 0 < len(parent_name) <= MAX_PARENT_IN_NAME
        if k == BASE:
            if is_official:
                name = official_name[i]
            elif t == 0:
                name = _join(a, base, size)
            elif t == 1:
                name = _join(a, size)
            elif t == 2:
                name = _join(a, b)
            elif t == 3:
                name = _join(official_name[i], a)
            else:
                name = _join(base, size, a)
        elif k == FINETUNE:
            if is_official:
                name = _join(parent_name, official_suffix[i])
            elif is_task and quotes_parent:
                name = _join(parent_name, "finetuned", DATASETS[dataset[i]])
            elif t == 0 and quotes_parent:
                name = _join(parent_name, a)
            elif t == 1:
                name = _join(base, size, a, b)
            elif t == 2:
                name = _join(a, size)
            elif t == 3:
                name = _join(a, b)
            else:
                name = _join(base, size, a)
        elif k == QUANTIZED:
            suffixes = GGUF_SUFFIXES if q == GGUF else GPTQ_SUFFIXES if q == GPTQ else AWQ_SUFFIXES
            stem = parent_name if quotes_parent else _join(base, size)
            name = _join(stem, suffixes[variant[i] % len(suffixes)])
        elif k == ADAPTER:
            if is_diffusion:
                name = (
                    _join(base, "lora", a)
                    if t == 0
                    else _join(a, b, "lora")
                    if t == 1
                    else _join(a, base, "LoRA")
                )
            elif t <= 1 and quotes_parent:
                name = _join(parent_name, "lora")
            else:
                name = _join(base, size, a, "lora") if t % 2 else _join(a, b, "adapter")
        else:  # MERGE
            name = (
                _join(a, size, "slerp")
                if t <= 1
                else _join(a, b, size)
                if t == 2
                else _join(base, a, "merge")
            )
        if lower[i] and not is_official and k != QUANTIZED:
            name = name.lower()
        if len(name) > MAX_NAME_LENGTH:
            name = _join(a, size, b)
        names.append(name)
    return names
