"""Generates the synthetic Hub's model table, vectorised: one numpy array per attribute.

Each attribute draws from its own random stream (seeded by the world seed and the attribute's
name), so the same config always yields the same world and adding an attribute leaves the others
unchanged. Models are indexed in creation order, which is also `_id` order.

Stages, in order (see `generate`): creation instants; pipeline tag (era mix) and kind; options
(family release and size) of base models; official releases; parents (popular, recent, same task
group; parents always precede children, so lineage has no cycle except the deliberate
self-references); roots, sizes and inherited attributes; authors and names down the lineage;
libraries, formats, safetensors metadata, tags; popularity and clock parameters.
"""

import itertools
import zlib
from dataclasses import dataclass
from datetime import date

import numpy as np

from simulated_hub import taxonomy as tx
from simulated_hub.hub_json import epoch_seconds
from simulated_hub.lifecycle import MIN_TAIL_RATE, SECONDS_PER_DAY, creation_days
from simulated_hub.names import make_unique, model_names, user_names, written_sizes

DOUBLING_DAYS = 365.0  # the Hub's model count doubles about every year
OFFICIAL_PER_SIZE = 2  # an organisation publishes each size of a release once or twice (base, variant)
SELF_REFERENCE_RATE = 0.0005  # community bases whose card names themselves as base_model (a real quirk)
GHOST_PARENT_RATE = 0.01  # declared bases that are not in the world (deleted or private repos)
CHAIN_RATE = 0.3  # derived models whose parent is itself a derived model
LLM_MIN_PARAMS = 7_000_000_000
# A set SLM share trend never makes a class impossible: both stay drawable at any date.
SLM_TREND_MIN_P = 0.02
TREND_PIPELINE = "text-generation"


@dataclass(frozen=True)
class SlmShareTrend:
    """A known trend of the SLM share of new models: of the models created on day D, an SLM with
    probability share_on_today + pp_per_year * (D - today) in years (in %, clipped to [2, 98]).
    Every model is a text-generation model (TREND_PIPELINE) and derived models take a parent of
    their drawn class, so lineage keeps the class; before the first large text-generation
    release a drawn LLM falls back to the sizes of its time."""

    pp_per_year: float
    share_on_today: float = 50.0


# Format bits (`formats`) and the tags they write, in the Hub's order.
PYTORCH, TF, JAX, ONNX, SAFETENSORS, GGUF_FILE = (1 << k for k in range(6))
FORMAT_TAGS: tuple[tuple[int, str], ...] = (
    (PYTORCH, "pytorch"),
    (TF, "tf"),
    (JAX, "jax"),
    (ONNX, "onnx"),
    (SAFETENSORS, "safetensors"),
    (GGUF_FILE, "gguf"),
)
# Flag bits (`flags`): tags written by cards or computed by the Hub, and two switches.
(
    ARCH_TAG,
    OFFICIAL_TAGS,
    CONVERSATIONAL,
    LORA,
    SD_LORA,
    MERGEKIT,
    GENERATED_FROM_TRAINER,
    CUSTOM_CODE,
    AUTOTRAIN,
    TGI,
    FOUR_BIT,
    GPTQ_TAG,
    AWQ_TAG,
    ENDPOINTS,
    REGION_EU,
    IMATRIX,
    DECLARES_BASE,
) = (1 << k for k in range(17))
DTYPES: tuple[str, ...] = ("F32", "F16", "BF16", "I32")
F32, F16, BF16, I32 = range(4)
GATED_VALUES: tuple[bool | str, ...] = (False, "auto", "manual")
CORE_LIBRARIES = frozenset(
    {"transformers", "sentence-transformers", "diffusers", "timm", "peft", "mlx", "vllm"}
)


@dataclass(frozen=True)
class Options:
    """Every (family, release, size) a base model can be, flattened into arrays."""

    family: np.ndarray
    release: np.ndarray  # index into `releases`
    params: np.ndarray
    label: tuple[str, ...]  # the size as names write it
    official_name: tuple[str, ...]
    short: tuple[str, ...]  # how community names refer to the release
    start: np.ndarray  # day index (relative to first_day)
    end: np.ndarray
    weight: np.ndarray  # within its family
    is_count: np.ndarray  # the label is a count (`7B`, `350M`), not a word (`base`)
    releases: tuple[tuple[int, tx.Release], ...]  # (family index, release)
    components: tuple[tuple[int, ...], ...]  # the options a VLM size is made of (vision, language)


@dataclass
class ModelTable:
    """The world's models: attribute arrays indexed by model, in creation order."""

    created_day: np.ndarray
    created_s: np.ndarray
    kind: np.ndarray
    pipeline: np.ndarray  # index into taxonomy.PIPELINES, -1 for none
    family: np.ndarray
    params: np.ndarray
    parents: np.ndarray  # (n, 3), -1 where absent; extra columns for merges
    declared: np.ndarray  # the card names the base (base_model tags)
    ghost: np.ndarray  # the declared base is a repo absent from the world
    self_ref: np.ndarray  # the card names the model itself as its base
    quant: np.ndarray  # taxonomy.GGUF/GPTQ/AWQ, -1
    library: np.ndarray  # index into `libraries`, -1
    license: np.ndarray  # index into `licenses`, -1
    languages: np.ndarray  # bits over taxonomy.LANGUAGES
    formats: np.ndarray
    flags: np.ndarray
    gated: np.ndarray  # index into GATED_VALUES
    st_main_dtype: np.ndarray
    st_main: np.ndarray
    st_aux_dtype: np.ndarray  # -1 when the safetensors hold one dtype
    st_aux: np.ndarray
    author: np.ndarray  # index into `authors`
    ids: np.ndarray  # StringDType
    id_hashes: np.ndarray  # hash() of each id, in this process
    amplitude: np.ndarray
    tau: np.ndarray
    tail_rate: np.ndarray
    likes_amplitude: np.ndarray
    likes_tau: np.ndarray
    likes_tail_rate: np.ndarray
    commit_interval: np.ndarray
    n_commits: np.ndarray
    authors: list[str]
    libraries: tuple[str, ...]
    licenses: tuple[str, ...]


class _Streams:
    def __init__(self, seed: int):
        self.seed = seed

    def __call__(self, name: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, zlib.crc32(name.encode())])


def _weighted_choice(rng: np.random.Generator, n: int, weights: list[float]) -> np.ndarray:
    cdf = np.cumsum(np.asarray(weights, dtype=np.float64))
    return np.searchsorted(cdf / cdf[-1], rng.random(n), side="right").clip(0, len(weights) - 1)


def build_options(first_day: date) -> Options:
    rows: list[tuple] = []
    releases: list[tuple[int, tx.Release]] = []
    for f, family in enumerate(tx.FAMILIES):
        for release in family.releases:
            r = len(releases)
            releases.append((f, release))
            total = sum(size.weight for size in release.sizes)
            for size in release.sizes:
                rows.append(
                    (
                        f,
                        r,
                        size.params,
                        size.label,
                        release.stem.replace("{size}", size.label),
                        release.short,
                        (release.start - first_day).days,
                        (release.end - first_day).days,
                        release.weight * size.weight / total,
                        bool(size.label[:1].isdigit()) and size.label[-1:] in ("B", "b", "M", "m"),
                        size.components,
                    )
                )
    columns = list(zip(*rows, strict=True))
    option_of = {(row[5], row[3]): o for o, row in enumerate(rows)}
    return Options(
        family=np.array(columns[0], dtype=np.int16),
        release=np.array(columns[1], dtype=np.int16),
        params=np.array(columns[2], dtype=np.int64),
        label=columns[3],
        official_name=columns[4],
        short=columns[5],
        start=np.array(columns[6], dtype=np.int64),
        end=np.array(columns[7], dtype=np.int64),
        weight=np.array(columns[8], dtype=np.float64),
        is_count=np.array(columns[9], dtype=bool),
        releases=tuple(releases),
        components=tuple(tuple(option_of[c] for c in components) for components in columns[10]),
    )


def _sample_rows(
    u: np.ndarray, day: np.ndarray, start: np.ndarray, end: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """For each model, a row among those available on its day (start <= day < end), drawn with
    `weight` by `u` in (0, 1]; -1 where none is available. Chunked to bound memory."""
    out = np.full(len(u), -1, dtype=np.int64)
    chunk = max(1, 4_000_000 // max(1, len(weight)))
    for lo in range(0, len(u), chunk):
        d = day[lo : lo + chunk, None]
        w = ((start[None, :] <= d) & (d < end[None, :])) * weight[None, :]
        cum = np.cumsum(w, axis=1)
        total = cum[:, -1]
        pick = (cum < (u[lo : lo + chunk] * total)[:, None]).sum(axis=1)
        out[lo : lo + chunk] = np.where(total > 0, pick, -1)
    return out


def _choose_parents(
    rng: np.random.Generator,
    children: np.ndarray,
    pool: np.ndarray,
    weights: np.ndarray,
    day: np.ndarray,
    window: int,
) -> np.ndarray:
    """A parent for each child among `pool` members created before it, drawn proportionally to
    `weights` among those created in the last `window` days (any earlier member if none was)."""
    if len(children) == 0:
        return np.empty(0, dtype=np.int64)
    if len(pool) == 0:
        return np.full(len(children), -1, dtype=np.int64)
    cum = np.cumsum(weights[pool])
    hi = np.searchsorted(pool, children, side="left")
    lo = np.minimum(np.searchsorted(day[pool], day[children] - window, side="left"), hi)
    lo = np.where(lo == hi, 0, lo)
    below = np.where(lo > 0, cum[np.maximum(lo - 1, 0)], 0.0)
    span = cum[np.maximum(hi - 1, 0)] - below
    target = below + (1.0 - rng.random(len(children))) * span
    pos = np.clip(np.searchsorted(cum, target, side="left"), lo, np.maximum(hi - 1, 0))
    return np.where(hi > 0, pool[pos], -1)


def _levels(kind: np.ndarray, parent: np.ndarray) -> list[np.ndarray]:
    """Model indices by depth in the lineage (0: base models; a derived model is one level below
    its parent), so that attributes can descend from parents to children level by level."""
    derived = kind != tx.BASE
    depth = np.zeros(len(kind), dtype=np.int64)
    while True:
        new = np.where(derived, depth[np.maximum(parent, 0)] + 1, 0)
        if np.array_equal(new, depth):
            break
        depth = new
    by_depth = np.argsort(depth, kind="stable")
    bounds = np.searchsorted(depth[by_depth], np.arange(int(depth.max()) + 2))
    return [by_depth[bounds[k] : bounds[k + 1]] for k in range(int(depth.max()) + 1)]


def _cdf_pick(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Row-wise weighted choice: for each row of `weights`, the column that `u` in [0, 1) selects."""
    cum = np.cumsum(weights, axis=1)
    return (cum < (u * cum[:, -1])[:, None]).sum(axis=1).clip(0, weights.shape[1] - 1)


class _Draft:
    """The world under construction. Each stage fills some attribute arrays from its own stream."""

    def __init__(
        self,
        seed: int,
        n_models: int,
        first_day: date,
        today: date,
        horizon_days: int,
        slm_trend: SlmShareTrend | None = None,
    ):
        self.streams = _Streams(seed)
        self.first_day = first_day
        n_days = (today - first_day).days + 1
        day = creation_days(self.streams("created"), n_models, n_days, horizon_days, DOUBLING_DAYS)
        n = self.n = len(day)
        if n >= 1 << 24:
            raise ValueError(f"{n} models exceed the 2^24 ObjectId counter the world's _id order relies on")
        time_of_day = self.streams("time_of_day").integers(0, SECONDS_PER_DAY, n)
        order = np.lexsort((time_of_day, day))
        self.day = day[order].astype(np.int64)
        self.created_s = epoch_seconds(first_day) + self.day * SECONDS_PER_DAY + time_of_day[order]
        self.year = first_day.year + (first_day.timetuple().tm_yday - 1) / 365.25 + self.day / 365.25
        self.options = build_options(first_day)
        self.z = self.streams("popularity").standard_normal(n)  # drives both parent choice and downloads
        # With a set trend, each model's class is drawn first (its own stream: the other draws are
        # those of the world without it) and bases, parents and merges keep to it.
        self.target_slm: np.ndarray | None = None
        if slm_trend is not None:
            years = (self.day - self._days(today)) / 365.25
            share = slm_trend.share_on_today + slm_trend.pp_per_year * years
            p_slm = np.clip(share / 100.0, SLM_TREND_MIN_P, 1.0 - SLM_TREND_MIN_P)
            self.target_slm = self.streams("target_class").random(n) < p_slm

    def _days(self, day: date) -> int:
        return (day - self.first_day).days

    def _group(self, name: str) -> np.ndarray:
        return self.group == tx.GROUPS.index(name)

    def draw_tasks(self) -> None:
        """Pipeline tag from the era mix of the creation month, kind by pipeline tag once each kind
        exists, task group (pipeline-less models draw theirs by kind), quantization method."""
        n = self.n
        slot_names = list(tx.PIPELINE_MIX_BY_ERA)
        mix = np.array([tx.PIPELINE_MIX_BY_ERA[name] for name in slot_names], dtype=np.float64)
        anchors = np.array([self._days(a) for a in tx.ERA_ANCHORS], dtype=np.float64)
        u = self.streams("pipeline").random(n)
        slot = np.empty(n, dtype=np.int64)
        month = self.day // 30
        for m in np.unique(month):
            sel = month == m
            weights = np.array([np.interp(m * 30 + 15, anchors, row) for row in mix])
            slot[sel] = np.searchsorted(np.cumsum(weights) / weights.sum(), u[sel], side="right")
        slot = slot.clip(0, len(slot_names) - 1)
        if self.target_slm is not None:
            # Text generation is the task with sizes of both classes in every recent era: there a
            # drawn class is always honoured, so the world's share follows the set trend alone
            # (the era mix of tasks, many of them made of small models only, would blur it).
            slot[:] = slot_names.index(TREND_PIPELINE)
        self.pipeline = np.array([tx.PIPELINES.index(s) if s is not None else -1 for s in slot_names])[slot]

        derived_kinds = (tx.FINETUNE, tx.ADAPTER, tx.QUANTIZED, tx.MERGE)
        shares = np.array(
            [
                [tx.KIND_SHARES.get(s, tx.DEFAULT_KIND_SHARES).get(k, 0.0) for k in derived_kinds]
                for s in slot_names
            ]
        )
        kind_start = np.array([self._days(tx.KIND_START[k]) for k in derived_kinds])
        cum = np.cumsum(shares[slot] * (self.day[:, None] >= kind_start[None, :]), axis=1)
        pick = (self.streams("kind").random(n)[:, None] >= cum).sum(axis=1)
        self.kind = np.array((*derived_kinds, tx.BASE), dtype=np.int8)[pick]

        group_of_pipeline = np.array([tx.GROUPS.index(tx.GROUP_OF_PIPELINE[p]) for p in tx.PIPELINES])
        self.group = np.where(self.pipeline >= 0, group_of_pipeline[np.maximum(self.pipeline, 0)], -1)
        rng = self.streams("none_group")
        for k, mix_by_group in tx.NONE_PIPELINE_GROUPS.items():
            sel = (self.pipeline < 0) & (self.kind == k)
            draw = _weighted_choice(rng, int(sel.sum()), list(mix_by_group.values()))
            self.group[sel] = np.array([tx.GROUPS.index(g) for g in mix_by_group])[draw]
        self.diffusion = self._group("diffusion")

        self.quant = np.full(n, -1, dtype=np.int64)
        quantized = np.flatnonzero(self.kind == tx.QUANTIZED)
        q_start = np.array([self._days(s) for s in tx.QUANT_START])
        weights = (self.day[quantized, None] >= q_start[None, :]) * np.array(tx.QUANT_WEIGHTS)[None, :]
        weights[self.diffusion[quantized], 1:] = 0.0  # diffusion checkpoints are quantized to GGUF only
        weights[weights.sum(axis=1) == 0, tx.GPTQ] = 1.0
        self.quant[quantized] = _cdf_pick(weights, self.streams("quant").random(len(quantized)))

    def draw_base_options(self) -> None:
        """The (family release, size) of each base model, among the families that serve its task
        (else any family of its group) and the releases available on its creation day."""
        self.option = np.full(self.n, -1, dtype=np.int64)
        self.option_u = 1.0 - self.streams("option").random(self.n)
        self._sample_options(np.flatnonzero(self.kind == tx.BASE))

    def _sample_options(self, models: np.ndarray) -> None:
        if len(models) == 0:
            return
        options, family_weight = self.options, np.array([f.weight for f in tx.FAMILIES])
        key = (self.pipeline[models] + 1) * len(tx.GROUPS) + self.group[models]
        if self.target_slm is not None:
            key = key * 2 + self.target_slm[models]
        order = np.argsort(key, kind="stable")  # models of each (pipeline, group) stay in model order
        bounds = np.flatnonzero(np.r_[True, key[order][1:] != key[order][:-1], True])
        for lo, hi in itertools.pairwise(bounds.tolist()):
            sel = models[order[lo:hi]]
            pipeline, g = int(self.pipeline[sel[0]]), int(self.group[sel[0]])
            support = np.array([float(f.group == tx.GROUPS[g]) for f in tx.FAMILIES])
            if pipeline >= 0:
                named = np.array([dict(f.pipelines).get(tx.PIPELINES[pipeline], 0.0) for f in tx.FAMILIES])
                support = named if named.any() else support
            weight = options.weight * (family_weight * support)[options.family]
            if self.target_slm is not None:
                # the target class's sizes, where the task has any (else the task's own mix)
                of_class = (options.params < LLM_MIN_PARAMS) == self.target_slm[sel[0]]
                if (weight * of_class).any():
                    weight = weight * of_class
            rows = np.flatnonzero(weight > 0)
            picked = _sample_rows(
                self.option_u[sel], self.day[sel], options.start[rows], options.end[rows], weight[rows]
            )
            # before any family serves the task: the group's generic family, first release
            generic = next(
                i for i, f in enumerate(tx.FAMILIES) if f.key == tx.GENERIC_FAMILY_BY_GROUP[tx.GROUPS[g]]
            )
            first_release = options.release[np.flatnonzero(options.family == generic)[0]]
            fallback = np.flatnonzero((options.family == generic) & (options.release == first_release))
            fb = fallback[(self.option_u[sel] * len(fallback)).astype(np.int64).clip(0, len(fallback) - 1)]
            self.option[sel] = np.where(picked >= 0, rows[np.maximum(picked, 0)], fb)

    def mark_official_releases(self) -> None:
        """The first bases of each option come from the family's organisation, on its main task."""
        bases = np.flatnonzero(self.kind == tx.BASE)
        by_option = bases[np.argsort(self.option[bases], kind="stable")]
        opt = self.option[by_option]
        first = np.r_[True, opt[1:] != opt[:-1]]
        rank = np.arange(len(by_option)) - np.maximum.accumulate(
            np.where(first, np.arange(len(by_option)), 0)
        )
        self.official = np.zeros(self.n, dtype=bool)
        self.official[by_option[rank < OFFICIAL_PER_SIZE]] = True
        main_pipeline = np.array(
            [tx.PIPELINES.index(max(f.pipelines, key=lambda p: p[1])[0]) for f in tx.FAMILIES]
        )
        self.pipeline[self.official] = main_pipeline[self.options.family[self.option[self.official]]]

    def draw_parents(self) -> None:
        """A popular, recent parent in the same task group for each derived model; derived models
        with no possible parent yet become bases. Parents always precede their children."""
        self.attractiveness = np.exp(1.6 * self.z) * np.where(self.official, 300.0, 1.0)
        self.parents = np.full((self.n, 3), -1, dtype=np.int64)
        rng = self.streams("parents")
        for k, parent_kinds in tx.PARENT_KINDS.items():
            pool_kind = np.isin(self.kind, parent_kinds)
            for g in range(len(tx.GROUPS)):
                if self.target_slm is None:
                    children = np.flatnonzero((self.kind == k) & (self.group == g))
                    pool = np.flatnonzero(pool_kind & (self.group == g))
                    self.parents[children, 0] = _choose_parents(
                        rng, children, pool, self.attractiveness, self.day, tx.PARENT_WINDOW_DAYS[k]
                    )
                    continue
                # a derived model's class is its root's: its parent is of its target class
                for target in (False, True):
                    same = (self.group == g) & (self.target_slm == target)
                    children = np.flatnonzero((self.kind == k) & same)
                    pool = np.flatnonzero(pool_kind & same)
                    self.parents[children, 0] = _choose_parents(
                        rng, children, pool, self.attractiveness, self.day, tx.PARENT_WINDOW_DAYS[k]
                    )
        # Community chains: some derived models build on another derived model (a quantization of
        # a fine-tune of a merge...), so lineages run several levels deep, as on the Hub. A stream
        # of its own: the other models keep their parents. With a set trend a chain stays within
        # its target class, as the first parents do.
        rng = self.streams("chains")
        chained = (self.kind != tx.BASE) & (self.parents[:, 0] >= 0) & (rng.random(self.n) < CHAIN_RATE)
        targets = (None,) if self.target_slm is None else (False, True)
        for k, parent_kinds in tx.PARENT_KINDS.items():
            pool_kind = np.isin(self.kind, [kind for kind in parent_kinds if kind != tx.BASE])
            for g in range(len(tx.GROUPS)):
                for target in targets:
                    same = self.group == g
                    if target is not None:
                        same &= self.target_slm == target
                    children = np.flatnonzero(chained & (self.kind == k) & same)
                    pool = np.flatnonzero(pool_kind & same)
                    chosen = _choose_parents(
                        rng, children, pool, self.attractiveness, self.day, tx.PARENT_WINDOW_DAYS[k]
                    )
                    self.parents[children, 0] = np.where(chosen >= 0, chosen, self.parents[children, 0])
        orphans = np.flatnonzero((self.kind != tx.BASE) & (self.parents[:, 0] < 0))
        self.kind[orphans] = tx.BASE
        self.quant[orphans] = -1
        self._sample_options(orphans)
        self.derived = self.kind != tx.BASE
        self.parent = self.parents[:, 0]

    def declare_lineage(self) -> None:
        """Which cards name their base: more and more over time, always for merges; a few name a
        repo absent from the world, a few name themselves."""
        rng = self.streams("declared")
        self.declared = self.derived & (rng.random(self.n) < tx.declared_probability(self.year))
        self.declared |= self.kind == tx.MERGE  # mergekit writes its sources into the card
        self.ghost = self.declared & (self.kind != tx.MERGE) & (rng.random(self.n) < GHOST_PARENT_RATE)
        self.self_ref = (self.kind == tx.BASE) & ~self.official & (rng.random(self.n) < SELF_REFERENCE_RATE)

    def inherit_from_roots(self) -> None:
        """Derived models are of their root base's family, release and size."""
        root = np.where(self.derived, self.parent, np.arange(self.n))
        while not np.array_equal(root[root], root):
            root = root[root]
        self.root = root
        self.option = np.where(self.derived, self.option[root], self.option)
        self.family = self.options.family[self.option]
        self.levels = _levels(self.kind, self.parent)

    def draw_merge_partners(self) -> None:
        """Merges mix two or three models of the same size from the same group."""
        rng = self.streams("merge_partners")
        size_key = self.options.params[self.option]
        merges = np.flatnonzero(self.kind == tx.MERGE)
        pool_all = np.isin(self.kind, tx.PARENT_KINDS[tx.MERGE])
        for column in (1, 2):
            wanted = merges[rng.random(len(merges)) < (1.0 if column == 1 else 0.55)]
            for g, key in set(zip(self.group[wanted].tolist(), size_key[wanted].tolist(), strict=True)):
                children = wanted[(self.group[wanted] == g) & (size_key[wanted] == key)]
                pool = np.flatnonzero(pool_all & (self.group == g) & (size_key == key))
                chosen = _choose_parents(
                    rng, children, pool, self.attractiveness, self.day, tx.PARENT_WINDOW_DAYS[tx.MERGE]
                )
                duplicate = (chosen == self.parents[children, 0]) | (chosen == self.parents[children, 1])
                self.parents[children, column] = np.where(duplicate, -1, chosen)

    def declare_components(self) -> None:
        """An official release of a vision-language model names its vision tower and its language
        model (the first official base of each, created before it) in its `base_model:` tags. Its
        true size stays its own published count: tower, projector and language model together."""
        for i in np.flatnonzero(self.official & (self.kind == tx.BASE)).tolist():
            components = self.options.components[int(self.option[i])]
            if not components:
                continue
            chosen = []
            for option in components:
                earlier = np.flatnonzero(
                    self.official[:i] & (self.kind[:i] == tx.BASE) & (self.option[:i] == option)
                )
                if len(earlier):
                    chosen.append(int(earlier[0]))
            if len(chosen) == len(components):
                self.parents[i, : len(chosen)] = chosen
                self.declared[i] = True

    def draw_sizes(self) -> None:
        """True sizes: a base's option size (community variants jittered), inherited parent by
        parent; fine-tunes that add tokens grow their embeddings by whole 4096-wide rows."""
        rng = self.streams("params")
        params = self.options.params[self.option].copy()
        jitter = (self.kind == tx.BASE) & ~self.official & (rng.random(self.n) < 0.3)
        noise = 1 + 0.02 * rng.standard_normal(int(jitter.sum()))
        params[jitter] = np.round(params[jitter] * noise).astype(np.int64)
        resized = (self.kind == tx.FINETUNE) & (rng.random(self.n) < 0.05)
        growth = np.where(resized, rng.integers(1, 2000, self.n) * 4096, 0)
        for sel in self.levels[1:]:
            params[sel] = params[self.parent[sel]] + growth[sel]
        self.params = params

    def draw_authors(self) -> None:
        """Organisations publish official releases, quantizers most quantizations, and users with
        heavy-tailed activity the rest. An organisation also publishes the first instruct (or task)
        fine-tune and quantization of its own releases: official status descends the lineage."""
        org_names = sorted({org for f in tx.FAMILIES for org in f.orgs} | {q[0] for q in tx.QUANTIZERS})
        users = user_names(self.streams("users"), max(100, self.n // 4), {name.lower() for name in org_names})
        self.authors = org_names + users
        org_code = {name: i for i, name in enumerate(org_names)}
        rng = self.streams("authors")
        author = (len(org_names) + np.floor(len(users) * rng.random(self.n) ** 2.2)).astype(np.int64)
        for f, fam in enumerate(tx.FAMILIES):
            sel = self.official & (self.family == f) & (self.kind == tx.BASE)
            author[sel] = np.array([org_code[o] for o in fam.orgs])[
                rng.integers(0, len(fam.orgs), int(sel.sum()))
            ]
        self.quantizer = (self.kind == tx.QUANTIZED) & (rng.random(self.n) < 0.55)
        active_on = np.array(
            [
                [self._days(start) <= d < self._days(end) for _, start, end, _ in tx.QUANTIZERS]
                for d in range(int(self.day.max()) + 1)
            ]
        )
        candidates = np.flatnonzero(self.quantizer)
        weights = active_on[self.day[candidates]] * np.array([q[3] for q in tx.QUANTIZERS])[None, :]
        active = weights.sum(axis=1) > 0
        pick = _cdf_pick(weights[active], rng.random(int(active.sum())))
        author[candidates[active]] = np.array([org_code[q[0]] for q in tx.QUANTIZERS])[pick]
        self.quantizer[candidates[~active]] = False

        publishes_finetunes = np.array([f.official_finetune is not None for f in tx.FAMILIES])[self.family]
        for sel in self.levels[1:]:
            kind = self.kind[sel]
            candidates = sel[
                self.official[self.parent[sel]]
                & (((kind == tx.FINETUNE) & publishes_finetunes[sel]) | (kind == tx.QUANTIZED))
            ]
            _, first = np.unique(self.parent[candidates] * 8 + self.kind[candidates], return_index=True)
            promoted = candidates[first]
            self.official[promoted] = True
            author[promoted] = author[self.parent[promoted]]
        self.author = author

    def draw_names(self) -> None:
        options, option_list = self.options, self.option.tolist()
        rng = self.streams("names")
        count_labels = [label for label, count in zip(options.label, options.is_count, strict=True) if count]
        label = written_sizes(
            rng, [options.label[o] for o in option_list], options.is_count[self.option], count_labels
        )
        suffix_of_family = [f.official_finetune or "" for f in tx.FAMILIES]
        task_groups = [tx.GROUPS.index(g) for g in ("encoder", "seq2seq", "speech", "vision")]
        names = model_names(
            rng,
            self.kind,
            self.official,
            self.parent,
            self.quant,
            self.diffusion,
            (self.kind == tx.FINETUNE) & np.isin(self.group, task_groups),
            [options.official_name[o] for o in option_list],
            [options.short[o] for o in option_list],
            label,
            [suffix_of_family[f] for f in self.family.tolist()],
        )
        ids = make_unique(
            [f"{self.authors[a]}/{name}" for a, name in zip(self.author.tolist(), names, strict=True)]
        )
        del names
        self.ids = np.array(ids, dtype=np.dtypes.StringDType())
        # for id lookups; Python's string hash is salted per process, as is this table
        self.id_hashes = np.fromiter((hash(model_id) for model_id in ids), np.int64, len(ids))

    def draw_libraries(self) -> None:
        """The family's libraries; fine-tunes and merges mostly keep their root's, adapters are
        PEFT (text) or diffusers LoRAs, GGUF repos often name no library."""
        self.libraries = tuple(
            sorted({lib for f in tx.FAMILIES for lib, _ in f.libraries if lib} | {"peft", "gguf"})
        )
        code = {name: i for i, name in enumerate(self.libraries)}
        rng = self.streams("library")
        library = np.full(self.n, -1, dtype=np.int64)
        for f, fam in enumerate(tx.FAMILIES):
            sel = self.family == f
            codes = np.array([code[lib] if lib else -1 for lib, _ in fam.libraries])
            library[sel] = codes[_weighted_choice(rng, int(sel.sum()), [w for _, w in fam.libraries])]
        inherit = np.isin(self.kind, (tx.FINETUNE, tx.MERGE)) & (rng.random(self.n) < 0.9)
        library = np.where(inherit, library[self.root], library)
        adapter = self.kind == tx.ADAPTER
        library[adapter] = np.where(self.diffusion[adapter], code["diffusers"], code["peft"])
        gguf_library = np.array([-1, code["transformers"], code["gguf"]])[
            _weighted_choice(rng, self.n, [0.45, 0.45, 0.1])
        ]
        library = np.where(self.quant == tx.GGUF, np.where(self.diffusion, -1, gguf_library), library)
        library[(self.quant == tx.GPTQ) | (self.quant == tx.AWQ)] = code["transformers"]
        self.library = library
        self.library_is = {name: library == i for name, i in code.items()}

    def draw_formats(self) -> None:
        """Weight formats: safetensors took over from pickled PyTorch weights during 2022-2023;
        quantizations are GGUF files or packed safetensors; adapters ship their own weights."""
        rng, n, year = self.streams("formats"), self.n, self.year
        core = np.isin(
            self.library, [self.libraries.index(lib) for lib in CORE_LIBRARIES if lib in self.libraries]
        )
        plain = np.isin(self.kind, (tx.BASE, tx.FINETUNE, tx.MERGE))
        st_p = np.clip(0.18 + (year - 2021.0) * 0.2, 0.18, 0.82) * np.where(core, 1.0, 0.35)
        pt_p = np.clip(0.95 - (year - 2021.0) * 0.2, 0.25, 0.95)
        formats = np.zeros(n, dtype=np.int64)
        formats |= np.where(plain & (rng.random(n) < st_p), SAFETENSORS, 0)
        formats |= np.where(plain & (rng.random(n) < pt_p), PYTORCH, 0)
        formats |= np.where(plain & self._group("text-gen") & (rng.random(n) < 0.02), GGUF_FILE, 0)
        old_encoder = (self._group("encoder") | self._group("seq2seq")) & (year < 2023.0)
        formats |= np.where(old_encoder & (rng.random(n) < 0.45), TF, 0)
        formats |= np.where(old_encoder & (rng.random(n) < 0.35), JAX, 0)
        formats |= np.where(plain & (rng.random(n) < 0.06), ONNX, 0)
        formats[self.quant == tx.GGUF] = GGUF_FILE
        formats[(self.quant == tx.GPTQ) | (self.quant == tx.AWQ)] = SAFETENSORS
        adapter = self.kind == tx.ADAPTER
        formats[adapter] = np.where(rng.random(int(adapter.sum())) < 0.92, SAFETENSORS, PYTORCH)
        self.formats = formats

    def draw_safetensors(self) -> None:
        """Safetensors metadata: `total` is the true size, except for adapters (their own weights)
        and GPTQ/AWQ repos, whose I32-packed weights under-count it 4-8 times."""
        rng, n, params = self.streams("safetensors"), self.n, self.params
        modern_llm = (self._group("text-gen") | self._group("vlm")) & (self.year >= 2023.5)
        dtype = np.where(
            modern_llm,
            np.where(rng.random(n) < 0.8, BF16, F16),
            np.where(
                self.diffusion,
                np.where(rng.random(n) < 0.6, F16, F32),
                np.where(rng.random(n) < 0.7, F32, F16),
            ),
        )
        aux = np.where(
            (dtype != F32) & (rng.random(n) < 0.15), np.floor(params * rng.uniform(1e-4, 1e-2, n)), 0
        )
        main, aux_dtype = params - aux.astype(np.int64), np.where(aux > 0, F32, -1)
        adapter = self.kind == tx.ADAPTER
        # LoRA weights: 0.2-5% of the base, within the 4M-170M seen on the Hub
        lora = np.clip(params * np.exp(rng.uniform(np.log(0.002), np.log(0.05), n)), 4e6, 1.7e8)
        lora_dtype = np.array([F32, BF16, F16])[_weighted_choice(rng, n, [0.5, 0.3, 0.2])]
        main, dtype = np.where(adapter, lora.astype(np.int64), main), np.where(adapter, lora_dtype, dtype)
        aux, aux_dtype = np.where(adapter, 0, aux), np.where(adapter, -1, aux_dtype)
        packed = (self.quant == tx.GPTQ) | (self.quant == tx.AWQ)
        linear = rng.uniform(0.87, 0.99, n)  # share of the weights in packed linear layers
        main = np.where(packed, np.floor(params * (1 - linear) + params * linear / 128), main)
        aux = np.where(packed, np.floor(params * linear / 8), aux)
        self.st_main, self.st_main_dtype = main.astype(np.int64), np.where(packed, F16, dtype)
        self.st_aux, self.st_aux_dtype = aux.astype(np.int64), np.where(packed, I32, aux_dtype)

    def draw_flags(self) -> None:
        """Tags written by cards or computed by the Hub, as bits."""
        rng, n, kind, lib = self.streams("flags"), self.n, self.kind, self.library_is
        transformers_like = lib["transformers"] | lib["mlx"] | lib["vllm"] | lib["transformers.js"]
        has_model_type = np.array([f.model_type is not None for f in tx.FAMILIES])[self.family]
        gguf_only, adapter = self.quant == tx.GGUF, kind == tx.ADAPTER
        packed = (self.quant == tx.GPTQ) | (self.quant == tx.AWQ)
        chat_capable = (self._group("text-gen") | self._group("vlm")) & (self.year >= 2023.4)
        conversational = chat_capable & (rng.random(n) < 0.55)
        inherits = np.isin(kind, (tx.QUANTIZED, tx.ADAPTER))
        conversational = np.where(inherits, conversational[np.maximum(self.parent, 0)], conversational)
        has_weights = (self.formats & (SAFETENSORS | PYTORCH)) > 0
        text_like = (
            self._group("text-gen") | self._group("encoder") | self._group("seq2seq") | self._group("vlm")
        )
        generates_text = self._group("text-gen") | self._group("seq2seq")
        rules = (
            (ARCH_TAG, transformers_like & has_model_type & (~gguf_only | (rng.random(n) < 0.5))),
            (OFFICIAL_TAGS, self.official & (kind == tx.BASE)),
            (CONVERSATIONAL, conversational),
            (LORA, adapter),
            (SD_LORA, adapter & self.diffusion & (rng.random(n) < 0.5)),
            (MERGEKIT, (kind == tx.MERGE) & (rng.random(n) < 0.9)),
            (GENERATED_FROM_TRAINER, (kind == tx.FINETUNE) & lib["transformers"] & (rng.random(n) < 0.3)),
            (CUSTOM_CODE, lib["transformers"] & (rng.random(n) < 0.04)),
            (AUTOTRAIN, lib["transformers"] & has_weights & text_like & (rng.random(n) < 0.85)),
            (TGI, lib["transformers"] & has_weights & generates_text & (rng.random(n) < 0.9)),
            (FOUR_BIT, packed),
            (GPTQ_TAG, self.quant == tx.GPTQ),
            (AWQ_TAG, self.quant == tx.AWQ),
            (ENDPOINTS, (self.library >= 0) & (rng.random(n) < 0.75)),
            (REGION_EU, rng.random(n) < 0.002),
            (IMATRIX, gguf_only & (rng.random(n) < 0.15)),
            (DECLARES_BASE, self.declared | self.self_ref),  # not a tag: the card names a base_model
        )
        self.flags = np.zeros(n, dtype=np.int64)
        for bit, applies in rules:
            self.flags |= np.where(applies, bit, 0)

    def draw_languages(self) -> None:
        rng = self.streams("languages")
        text_or_speech = (
            self._group("text-gen") | self._group("encoder") | self._group("seq2seq") | self._group("vlm")
        ) | self._group("speech")
        self.languages = np.zeros(self.n, dtype=np.int64)
        for bit, (_, share) in enumerate(tx.LANGUAGES):
            p = share * np.where(text_or_speech, 1.25, 0.25)
            self.languages |= np.where(rng.random(self.n) < p, 1 << bit, 0)
        translation = self.pipeline == tx.PIPELINES.index("translation")
        self.languages[translation] |= 1 | (1 << rng.integers(1, 12, int(translation.sum())))  # en + another

    def draw_licenses_and_gating(self) -> None:
        """Official repos carry their release's licence and gating; others often keep their
        family's licence, else the community mix, and are rarely gated."""
        rng = self.streams("license")
        self.licenses = tuple(
            sorted(
                {lic for lic, _ in tx.COMMUNITY_LICENSES if lic}
                | {f.license for f in tx.FAMILIES if f.license}
                | {r.license for f in tx.FAMILIES for r in f.releases if r.license}
            )
        )
        code = {name: i for i, name in enumerate(self.licenses)}
        release_license = np.array(
            [code[r.license or tx.FAMILIES[f].license or "other"] for f, r in self.options.releases]
        )[self.options.release[self.option]]
        community = np.array([code[lic] if lic else -1 for lic, _ in tx.COMMUNITY_LICENSES])[
            _weighted_choice(rng, self.n, [w for _, w in tx.COMMUNITY_LICENSES])
        ]
        license_ = np.where(rng.random(self.n) < np.where(self.derived, 0.6, 0.4), release_license, community)
        self.license = np.where(self.official, release_license, license_)

        rng = self.streams("gated")
        gate_code = {value: i for i, value in enumerate(GATED_VALUES)}
        family_gate = np.array([gate_code[f.gated] for f in tx.FAMILIES])[self.family]
        self.gated = np.where(self.official, family_gate, _weighted_choice(rng, self.n, [0.99, 0.008, 0.002]))

    def draw_clock(self) -> None:
        """Parameters of the closed-form counters (see `lifecycle`): heavy-tailed download
        amplitudes; LLM usage peaks fast and fades while small models stay in use (pipelines,
        embeddings, classifiers); likes follow downloads; commits every few weeks, a few times."""
        rng, n, params = self.streams("downloads"), self.n, self.params
        amplitude = np.exp(np.log(100.0) + 2.9 * self.z)
        amplitude *= np.where(self.official, 50.0 * np.exp(0.7 * rng.standard_normal(n)), 1.0)
        amplitude *= np.where(self.quantizer, 2.0, 1.0)
        amplitude *= np.array([1.0, 0.8, 0.8, 0.7, 0.6])[self.kind]
        amplitude *= np.clip((params / 1e9) ** -0.12, 0.4, 2.0)
        llm = params >= LLM_MIN_PARAMS
        self.tau = np.where(llm, 40.0, 120.0) * np.exp(0.5 * rng.standard_normal(n))
        tail = amplitude * np.where(llm, 2e-4, 1.2e-3) * np.exp(rng.standard_normal(n))
        self.amplitude, self.tail_rate = amplitude, np.maximum(tail, MIN_TAIL_RATE)
        rng = self.streams("likes")
        self.likes_amplitude = 0.2 * amplitude**0.5 * np.exp(0.6 * rng.standard_normal(n))
        self.likes_tau = self.tau / 2.5
        self.likes_tail_rate = np.maximum(self.likes_amplitude * 1e-3, 1e-4)
        rng = self.streams("commits")
        self.commit_interval = np.clip(np.round(np.exp(np.log(40.0) + 1.1 * rng.standard_normal(n))), 1, 2000)
        self.n_commits = np.minimum(rng.geometric(0.45, n) - 1, 8)

    def table(self) -> ModelTable:
        """The finished table, in compact dtypes: a 2M-model world (3.6M with its horizon) must
        fit in memory. Curve constants are stored as float32; the closed forms compute in float64."""
        return ModelTable(
            created_day=self.day,
            created_s=self.created_s,
            kind=self.kind.astype(np.int8),
            pipeline=self.pipeline.astype(np.int8),
            family=self.family.astype(np.int16),
            params=self.params.astype(np.int64),
            parents=self.parents.astype(np.int32),
            declared=self.declared,
            ghost=self.ghost,
            self_ref=self.self_ref,
            quant=self.quant.astype(np.int8),
            library=self.library.astype(np.int8),
            license=self.license.astype(np.int8),
            languages=self.languages.astype(np.int32),
            formats=self.formats.astype(np.uint8),
            flags=self.flags.astype(np.int32),
            gated=self.gated.astype(np.int8),
            st_main_dtype=self.st_main_dtype.astype(np.int8),
            st_main=self.st_main,
            st_aux_dtype=self.st_aux_dtype.astype(np.int8),
            st_aux=self.st_aux,
            author=self.author.astype(np.int32),
            ids=self.ids,
            id_hashes=self.id_hashes,
            amplitude=self.amplitude.astype(np.float32),
            tau=self.tau.astype(np.float32),
            tail_rate=self.tail_rate.astype(np.float32),
            likes_amplitude=self.likes_amplitude.astype(np.float32),
            likes_tau=self.likes_tau.astype(np.float32),
            likes_tail_rate=self.likes_tail_rate.astype(np.float32),
            commit_interval=self.commit_interval.astype(np.int16),
            n_commits=self.n_commits.astype(np.int8),
            authors=self.authors,
            libraries=self.libraries,
            licenses=self.licenses,
        )


def generate(
    seed: int,
    n_models: int,
    first_day: date,
    today: date,
    horizon_days: int,
    slm_trend: SlmShareTrend | None = None,
) -> ModelTable:
    draft = _Draft(seed, n_models, first_day, today, horizon_days, slm_trend)
    for stage in (
        draft.draw_tasks,
        draft.draw_base_options,
        draft.mark_official_releases,
        draft.draw_parents,
        draft.declare_lineage,
        draft.inherit_from_roots,
        draft.draw_merge_partners,
        draft.declare_components,
        draft.draw_sizes,
        draft.draw_authors,
        draft.draw_names,
        draft.draw_libraries,
        draft.draw_formats,
        draft.draw_safetensors,
        draft.draw_flags,
        draft.draw_languages,
        draft.draw_licenses_and_gating,
        draft.draw_clock,
    ):
        stage()
    return draft.table()
