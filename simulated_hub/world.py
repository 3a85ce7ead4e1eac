"""A deterministic synthetic Hugging Face Hub with a clock, and its ground truth.

`SyntheticWorld(WorldConfig())` generates `n_models` models existing on `today` (plus those created
during `horizon_days` after it) and serves them as of any day: a model exists on day D iff it was
created on or before D, and every counter is an exact closed form of D (see `lifecycle`). The
ground-truth accessors (`true_parameters`, `downloads_30d`, `listing`, `record`...) let tests check
what the HTTP server serves against independent expectations.
"""

import bisect
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from math import ceil

import numpy as np

from simulated_hub import generation as g
from simulated_hub import taxonomy as tx
from simulated_hub.catalog import ListingQuery, SortedListing, sorted_listing
from simulated_hub.hub_json import (
    DEFAULT_LISTING_FIELDS,
    EXPAND_PROPERTIES,
    FULL_LISTING_FIELDS,
    MODEL_INFO_FIELDS,
    iso_timestamps,
)
from simulated_hub.lifecycle import SECONDS_PER_DAY, cumulative, last_commit_day
from simulated_hub.names import stated_parameters
from simulated_hub.renames import RenameEvent, plan_renames
from simulated_hub.tags import Tags

TRENDING_WINDOW_DAYS = 7  # trendingScore = likes received over the last week
_CACHE_SIZE = 8
_BYTES_PER_PARAM = (4, 2, 2, 4)  # F32, F16, BF16, I32
_CHAT_TEMPLATE = "{% for message in messages %}{{ message['role'] }}: {{ message['content'] }}\n{% endfor %}"
# GGUF metadata of chat models: their template and special tokens.
_CHAT_FIELDS = {"chat_template": _CHAT_TEMPLATE, "bos_token": "<s>", "eos_token": "</s>"}
_GGUF_QUANTS = ("Q2_K", "Q4_K_M", "Q5_K_M", "Q8_0")


@dataclass(frozen=True)
class WorldConfig:
    seed: int = 20250108
    n_models: int = 20_000  # models existing on `today`
    first_day: date = date(2021, 1, 1)
    today: date = date(2025, 1, 8)
    horizon_days: int = 400  # days after `today` during which models keep appearing
    # Days on which owners rename repositories (a case change, an owner transfer and a new
    # name each day; see renames.py). None by default: the demo world's names never change.
    rename_days: tuple[date, ...] = ()
    # A known trend of the SLM share of new models (generation.SlmShareTrend): a world whose
    # answer to "do SLMs take a growing share?" is set. None by default: the demo world's own
    # mix of tasks and families decides, and its models are those of a world without the field.
    slm_share_trend: g.SlmShareTrend | None = None


class SyntheticWorld:
    def __init__(self, config: WorldConfig | None = None):
        self.config = config or WorldConfig()
        c = self.config
        self._t = g.generate(c.seed, c.n_models, c.first_day, c.today, c.horizon_days, c.slm_share_trend)
        # id lookup through a sorted array of string hashes: no dict of millions of strings
        self._hash_order = np.argsort(self._t.id_hashes, kind="stable")
        self._sorted_hashes = self._t.id_hashes[self._hash_order]
        self._tags = Tags(self._t, self._find)
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple, SortedListing] = OrderedDict()
        self._lower_ids: np.ndarray | None = None
        self._author_codes: dict[str, int] | None = None
        self._renames: list[RenameEvent] | None = None
        self._rename_of: dict[int, RenameEvent] = {}
        self._renamed_index: dict[str, int] = {}

    # --- clock -------------------------------------------------------------------------------
    @property
    def first_day(self) -> date:
        return self.config.first_day

    @property
    def today(self) -> date:
        return self.config.today

    @property
    def last_day(self) -> date:
        return self.config.today + timedelta(days=self.config.horizon_days)

    def _day(self, day: date) -> int:
        return (day - self.config.first_day).days

    def n_visible(self, day: date) -> int:
        """Number of models existing on `day`: they are the indices [0, n_visible)."""
        return int(np.searchsorted(self._t.created_day, self._day(day), side="right"))

    def visible(self, day: date) -> np.ndarray:
        return np.arange(len(self._t.ids)) < self.n_visible(day)

    # --- ground truth ------------------------------------------------------------------------
    @property
    def model_ids(self) -> np.ndarray:
        """Every model id (numpy strings), indexed like every other per-model array."""
        return self._t.ids

    @property
    def true_parameters(self) -> np.ndarray:
        return self._t.params

    def _find(self, model_id: str) -> int | None:
        h = hash(model_id)
        pos = int(np.searchsorted(self._sorted_hashes, h))
        while pos < len(self._sorted_hashes) and self._sorted_hashes[pos] == h:
            if self._t.ids[self._hash_order[pos]] == model_id:
                return int(self._hash_order[pos])
            pos += 1
        return None

    def index_of(self, model_id: str) -> int:
        """The model that has, or had, the name `model_id` (a renamed model by either name)."""
        index = self._find(model_id)
        if index is None:
            index = self._renamed_index_of(model_id)
        if index is None:
            raise KeyError(model_id)
        return index

    # --- renames ---------------------------------------------------------------------------------
    @property
    def rename_events(self) -> list[RenameEvent]:
        """Every rename of `WorldConfig.rename_days`, in day order: the ground truth of names."""
        if self._renames is None:
            t = self._t
            named = t.declared & ~t.ghost
            named_bases = set(np.unique(t.parents[named]).tolist()) - {-1}
            # A child with no weights of its own and no digit in its name can only take its size
            # from the base it names: renaming such a base tests that the old name still lends it.
            weightless = named & ((t.formats & (g.SAFETENSORS | g.GGUF_FILE)) == 0)
            lenders = {
                int(parent)
                for i in np.flatnonzero(weightless).tolist()
                if not any(c.isdigit() for c in str(t.ids[i]).partition("/")[2])
                for parent in np.atleast_1d(t.parents[i]).tolist()
                if parent >= 0
            }
            # generation lists organisations first among the authors (generation.draw_authors)
            n_orgs = len({org for f in tx.FAMILIES for org in f.orgs} | {q[0] for q in tx.QUANTIZERS})
            events = plan_renames(
                self.config.seed,
                self.config.rename_days,
                lambda day: self.listing(day, sort="downloads"),
                lambda i: str(t.ids[i]),
                self.object_id,
                lambda i: i in named_bases,
                lambda i: i in lenders,
                lambda i: int(t.author[i]) >= n_orgs,
                {str(name).lower() for name in t.ids.tolist()},
            )
            with self._lock:
                self._rename_of = {event.index: event for event in events}
                self._renamed_index = {event.new_name: event.index for event in events}
                self._renames = events
        return self._renames

    def name_of(self, index: int, day: date) -> str:
        """The name model `index` is served under on `day`."""
        event = self._rename_of.get(index) if self.rename_events else None
        if event is not None and day >= event.day:
            return event.new_name
        return str(self._t.ids[index])

    def _renamed_index_of(self, name: str) -> int | None:
        return self._renamed_index.get(name) if self.rename_events else None

    def _author_of(self, index: int, day: date) -> str:
        event = self._rename_of.get(index) if self.rename_events else None
        if event is not None and day >= event.day:
            return event.new_author
        return self._t.authors[self._t.author[index]]

    def true_parameters_of(self, model_id: str) -> int:
        return int(self._t.params[self.index_of(model_id)])

    @cached_property
    def sized_releases(self) -> dict[tuple[str, ...], int]:
        """Every release whose size label states a count, as names write it (the lower-cased
        `-`-separated tokens of `<short>-<label>`: `llama-2-7b`), to its published count."""
        options = g.build_options(self.config.first_day)
        return {
            tuple(f"{short}-{label}".lower().split("-")): int(params)
            for short, label, params in zip(
                options.short, options.label, options.params.tolist(), strict=True
            )
            if stated_parameters(label) is not None
        }

    def stated_parameters_of(self, model_id: str) -> int | None:
        """The count the model's name states (names.stated_parameters), which may not be its
        true size: what a reader of the name alone, who knows the world's releases, concludes."""
        self.index_of(model_id)  # a model of this world
        return stated_parameters(model_id.partition("/")[2], self.sized_releases)

    def created_date_of(self, model_id: str) -> date:
        return self.config.first_day + timedelta(days=int(self._t.created_day[self.index_of(model_id)]))

    def kind_of(self, model_id: str) -> str:
        return tx.KIND_NAMES[self._t.kind[self.index_of(model_id)]]

    def declared_bases_of(self, model_id: str) -> list[tuple[str, str]]:
        """(relation, base id) the model's card declares, as in its `base_model:` tags."""
        return self._tags.declared_bases(self.index_of(model_id))

    def pipeline_tag_of(self, model_id: str) -> str | None:
        return _optional_name(tx.PIPELINES, int(self._t.pipeline[self.index_of(model_id)]))

    def task_modality_of(self, model_id: str) -> str:
        """What the model works on: its task's modality (taxonomy.TASK_MODALITY), or for a model
        without a pipeline tag the modality of its family's task group."""
        i = self.index_of(model_id)
        pipeline = int(self._t.pipeline[i])
        if pipeline >= 0:
            return tx.TASK_MODALITY[tx.PIPELINES[pipeline]]
        return tx.GROUP_MODALITY[tx.FAMILIES[self._t.family[i]].group]

    def is_language_model(self, model_id: str) -> bool:
        """The model's core models natural-language text: its task is in a language group
        (taxonomy.LANGUAGE_GROUPS), or without a pipeline tag its family's group is."""
        i = self.index_of(model_id)
        pipeline = int(self._t.pipeline[i])
        group = (
            tx.GROUP_OF_PIPELINE[tx.PIPELINES[pipeline]]
            if pipeline >= 0
            else tx.FAMILIES[self._t.family[i]].group
        )
        return group in tx.LANGUAGE_GROUPS

    def family_lineage_of(self, model_id: str) -> list[str]:
        """The model and its ancestors up to its family root, as the cards declare them: each
        model links to the largest (true size) of the declared bases that exist, the first
        declared on a tie; a base absent from the world or the model itself ends the walk."""
        path = [self.index_of(model_id)]
        while True:
            bases = [
                j
                for _, base in self._tags.declared_bases(path[-1])
                if (j := self._find(base)) is not None and j not in path
            ]
            if not bases:
                return [str(self._t.ids[i]) for i in path]
            path.append(max(bases, key=lambda j: (int(self._t.params[j]), -bases.index(j))))

    def family_root_of(self, model_id: str) -> str:
        return self.family_lineage_of(model_id)[-1]

    def tag_mask(self, tag: str) -> np.ndarray:
        """Which models (existing or not yet) carry `tag`."""
        return self._tags.mask(tag)

    def _all_time(self, day: int, idx: np.ndarray | slice = slice(None)) -> np.ndarray:
        t = self._t
        return cumulative(day - t.created_day[idx] + 1, t.amplitude[idx], t.tau[idx], t.tail_rate[idx])

    def _likes(self, day: int, idx: np.ndarray | slice = slice(None)) -> np.ndarray:
        t = self._t
        return cumulative(
            day - t.created_day[idx] + 1, t.likes_amplitude[idx], t.likes_tau[idx], t.likes_tail_rate[idx]
        )

    def _last_modified_s(self, day: int, idx: np.ndarray | slice = slice(None)) -> np.ndarray:
        t = self._t
        commit = last_commit_day(t.created_day[idx], day, t.commit_interval[idx], t.n_commits[idx])
        return t.created_s[idx] + (commit - t.created_day[idx]) * SECONDS_PER_DAY

    def downloads_all_time(self, day: date) -> np.ndarray:
        return self._all_time(self._day(day))

    def daily_downloads(self, day: date) -> np.ndarray:
        d = self._day(day)
        return self._all_time(d) - self._all_time(d - 1)

    def downloads_30d(self, day: date) -> np.ndarray:
        d = self._day(day)
        return self._all_time(d) - self._all_time(d - 30)

    def likes(self, day: date) -> np.ndarray:
        return self._likes(self._day(day))

    def trending_scores(self, day: date) -> np.ndarray:
        d = self._day(day)
        return self._likes(d) - self._likes(d - TRENDING_WINDOW_DAYS)

    def record(self, index: int, day: date, expand: list[str] | None = None, full: bool = False) -> dict:
        """The listing item for model `index` on `day`, exactly as the server serves it."""
        return self.listing_items([index], day, tuple(expand) if expand else None, full)[0]

    def listing(
        self,
        day: date,
        sort: str | None = "downloads",
        pipeline_tag: str | None = None,
        filters: tuple[str, ...] | list[str] = (),
        author: str | None = None,
        search: str | None = None,
    ) -> np.ndarray:
        """Indices of the models `GET /api/models` lists on `day`, in served order."""
        query = ListingQuery(sort, pipeline_tag, tuple(filters), author, search)
        return self.sorted_listing(day, query).order

    # --- catalogue interface ----------------------------------------------------------------------
    def sorted_listing(self, day: date, query: ListingQuery) -> SortedListing:
        key = (day, query)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        if query == ListingQuery(sort=query.sort):
            result = self._sorted_all(day, query.sort)
        else:
            everything = self.sorted_listing(day, ListingQuery(sort=query.sort))
            keep = self._selection(day, query)[everything.order]
            result = SortedListing(
                everything.order[keep], everything.neg_keys[keep], everything.id_ranks[keep]
            )
        with self._lock:
            self._cache[key] = result
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return result

    def _sorted_all(self, day: date, sort: str | None) -> SortedListing:
        n = self.n_visible(day)
        d = self._day(day)
        indices = np.arange(n, dtype=np.int64)  # `_id` order is creation order: rank = index
        values = None
        if sort == "downloads":
            values = self._all_time(d, slice(0, n)) - self._all_time(d - 30, slice(0, n))
        elif sort == "likes":
            values = self._likes(d, slice(0, n))
        elif sort == "trendingScore":
            values = self._likes(d, slice(0, n)) - self._likes(d - TRENDING_WINDOW_DAYS, slice(0, n))
        elif sort == "createdAt":
            values = self._t.created_s[:n] * 1000
        elif sort == "lastModified":
            values = self._last_modified_s(d, slice(0, n)) * 1000
        return sorted_listing(indices, values, indices)

    def _selection(self, day: date, query: ListingQuery) -> np.ndarray:
        t = self._t
        n = self.n_visible(day)
        keep = np.ones(n, dtype=bool)
        if query.pipeline_tag is not None:
            code = tx.PIPELINES.index(query.pipeline_tag) if query.pipeline_tag in tx.PIPELINES else -2
            keep &= t.pipeline[:n] == code
        for tag in query.filters:
            keep &= self._tags.mask(tag)[:n]
        if query.author is not None:
            if self._author_codes is None:
                self._author_codes = {name: i for i, name in enumerate(t.authors)}
            keep &= t.author[:n] == self._author_codes.get(query.author, -1)
        if query.search:
            if self._lower_ids is None:
                self._lower_ids = np.strings.lower(t.ids)
            keep &= np.strings.find(self._lower_ids[:n], query.search.lower()) >= 0
        return keep

    def object_id(self, index: int) -> str:
        """A 24-hex ObjectId: creation time, a 5-byte value per month, then the model's index as
        counter, so that `_id` order is creation order."""
        seconds = int(self._t.created_s[index])
        machine = (self.config.seed * 0x9E3779B97F4A7C15 + (seconds // 2_592_000) * 0xBF58476D1CE4E5B9) % (
            1 << 40
        )
        return f"{seconds:08x}{machine:010x}{index:06x}"

    def id_rank(self, object_id: str) -> int:
        return bisect.bisect_right(range(len(self._t.ids)), object_id, key=self.object_id)

    def listing_items(self, indices, day: date, expand: tuple[str, ...] | None, full: bool) -> list[dict]:
        fields = (
            ("_id", "id", *[f for f in EXPAND_PROPERTIES if f in expand])
            if expand
            else (FULL_LISTING_FIELDS if full else DEFAULT_LISTING_FIELDS)
        )
        return self._items(np.asarray(indices, dtype=np.int64), day, fields)

    def model_info(self, model_id: str, day: date, expand: tuple[str, ...] | None) -> dict | None:
        """The model's record; an old name redirects to the renamed model (as on the Hub), a
        new name is unknown before its rename."""
        index = self._find(model_id)
        if index is None:
            index = self._renamed_index_of(model_id)
            if index is not None and day < self._rename_of[index].day:
                return None
        if index is None or index >= self.n_visible(day):
            return None
        fields = (
            ("_id", "id", *[f for f in EXPAND_PROPERTIES if f in expand]) if expand else MODEL_INFO_FIELDS
        )
        return self._items(np.array([index]), day, fields)[0]

    # --- JSON ------------------------------------------------------------------------------------------
    def _items(self, idx: np.ndarray, day: date, fields: tuple[str, ...]) -> list[dict]:
        page = _Page.compute(self, idx, day, with_tags="tags" in fields)
        items = []
        for k, i in enumerate(idx.tolist()):
            item = {}
            for field in fields:
                build = _FIELDS.get(field)
                value = build(self, page, k, i) if build is not None else None
                if value is not None:  # the Hub omits valueless keys
                    item[field] = value
            items.append(item)
        return items

    def _sha(self, i: int, last_modified_s: int) -> str:
        return hashlib.sha1(f"{self._t.ids[i]}@{last_modified_s}".encode(), usedforsecurity=False).hexdigest()

    def _children_count(self, i: int, day: date) -> int:
        return int(self._tags.mask(f"base_model:{self._t.ids[i]}")[: self.n_visible(day)].sum())

    def _safetensors(self, i: int) -> dict | None:
        t = self._t
        if not t.formats[i] & g.SAFETENSORS:
            return None
        parameters = {g.DTYPES[t.st_main_dtype[i]]: int(t.st_main[i])}
        if t.st_aux_dtype[i] >= 0:
            parameters[g.DTYPES[t.st_aux_dtype[i]]] = int(t.st_aux[i])
        parameters = dict(sorted(parameters.items()))
        return {"parameters": parameters, "total": sum(parameters.values())}

    def _gguf(self, i: int) -> dict | None:
        t = self._t
        if not t.formats[i] & g.GGUF_FILE:
            return None
        family = tx.FAMILIES[t.family[i]]
        info: dict = {"total": int(t.params[i]), "architecture": family.model_type or family.key}
        if family.context_length:
            info["context_length"] = family.context_length
        if t.flags[i] & g.CONVERSATIONAL:
            info.update(_CHAT_FIELDS)
        return info

    def _config(self, i: int) -> dict | None:
        family = tx.FAMILIES[self._t.family[i]]
        if not self._t.flags[i] & g.ARCH_TAG or family.architecture is None:
            return None
        return {"architectures": [family.architecture], "model_type": family.model_type}

    def _base_models(self, i: int) -> dict | None:
        """The model tree's `baseModels`: relation and the declared bases that exist."""
        declared = self._tags.declared_bases(i)
        models = [
            {"_id": self.object_id(j), "id": base}
            for _, base in declared
            if (j := self._find(base)) is not None
        ]
        return {"relation": declared[0][0], "models": models} if models else None

    def _files(self, i: int) -> list[tuple[str, int]]:
        """(filename, size in bytes) of the repo's files."""
        t = self._t
        formats, params = int(t.formats[i]), int(t.params[i])
        name = str(t.ids[i]).split("/", 1)[1]
        files = [(".gitattributes", 1_519), ("README.md", 5_000 + i % 20_000)]
        library = t.libraries[t.library[i]] if t.library[i] >= 0 else None
        if t.kind[i] == tx.ADAPTER:
            files.append(("adapter_config.json", 700))
        elif library in ("transformers", "sentence-transformers", "mlx", "vllm", "transformers.js"):
            files.append(("config.json", 1_200))
        if library == "diffusers" and t.kind[i] != tx.ADAPTER:
            files.append(("model_index.json", 600))
        if formats & g.SAFETENSORS:
            size = int(t.st_main[i]) * _BYTES_PER_PARAM[t.st_main_dtype[i]]
            if t.st_aux_dtype[i] >= 0:
                size += int(t.st_aux[i]) * _BYTES_PER_PARAM[t.st_aux_dtype[i]]
            if t.kind[i] == tx.ADAPTER:
                files.append(("adapter_model.safetensors", size))
            elif (shards := ceil(size / 5e9)) > 1:
                files.append(("model.safetensors.index.json", 30_000))
                files.extend(
                    (f"model-{k:05d}-of-{shards:05d}.safetensors", size // shards)
                    for k in range(1, shards + 1)
                )
            else:
                files.append(("model.safetensors", size))
        if formats & g.PYTORCH:
            files.append(
                ("adapter_model.bin" if t.kind[i] == tx.ADAPTER else "pytorch_model.bin", params * 4)
            )
        if formats & g.TF:
            files.append(("tf_model.h5", params * 4))
        if formats & g.JAX:
            files.append(("flax_model.msgpack", params * 4))
        if formats & g.ONNX:
            files.append(("onnx/model.onnx", params * 4))
        if formats & g.GGUF_FILE:
            stem = name.removesuffix("-GGUF").removesuffix("-gguf")
            quants = _GGUF_QUANTS if t.quant[i] == tx.GGUF else ("F16",)
            files.extend((f"{stem}.{q}.gguf", params * (2 + 2 * k) // 8) for k, q in enumerate(quants))
        return sorted(files)

    def _siblings(self, i: int) -> list[dict]:
        return [{"rfilename": name} for name, _ in self._files(i)]

    def _used_storage(self, i: int) -> int:
        return sum(size for _, size in self._files(i))


@dataclass(frozen=True)
class _Page:
    """Day-dependent values of the models of one response, computed together."""

    day: date
    all_time: list[int]
    downloads: list[int]
    likes: list[int]
    trending: list[int]
    last_modified_s: list[int]
    created: list[str]
    modified: list[str]
    tags: list[list[str]] | None

    @classmethod
    def compute(cls, world: SyntheticWorld, idx: np.ndarray, day: date, with_tags: bool) -> "_Page":
        d = world._day(day)
        all_time = world._all_time(d, idx)
        likes = world._likes(d, idx)
        last_modified_s = world._last_modified_s(d, idx)
        return cls(
            day=day,
            all_time=all_time.tolist(),
            downloads=(all_time - world._all_time(d - 30, idx)).tolist(),
            likes=likes.tolist(),
            trending=(likes - world._likes(d - TRENDING_WINDOW_DAYS, idx)).tolist(),
            last_modified_s=last_modified_s.tolist(),
            created=iso_timestamps(world._t.created_s[idx]),
            modified=iso_timestamps(last_modified_s),
            tags=world._tags.of_many(idx) if with_tags else None,
        )


def _optional_name(names: tuple[str, ...], code: int) -> str | None:
    return names[code] if code >= 0 else None


# How each JSON field is built: (world, page, position in page, model index) -> value or None.
_FIELDS = {
    "_id": lambda w, p, k, i: w.object_id(i),
    "id": lambda w, p, k, i: w.name_of(i, p.day),
    "modelId": lambda w, p, k, i: w.name_of(i, p.day),
    "author": lambda w, p, k, i: w._author_of(i, p.day),
    "likes": lambda w, p, k, i: p.likes[k],
    "trendingScore": lambda w, p, k, i: p.trending[k],
    "private": lambda w, p, k, i: False,
    "disabled": lambda w, p, k, i: False,
    "downloads": lambda w, p, k, i: p.downloads[k],
    "downloadsAllTime": lambda w, p, k, i: p.all_time[k],
    "tags": lambda w, p, k, i: p.tags[k],
    "pipeline_tag": lambda w, p, k, i: _optional_name(tx.PIPELINES, int(w._t.pipeline[i])),
    "library_name": lambda w, p, k, i: _optional_name(w._t.libraries, int(w._t.library[i])),
    "createdAt": lambda w, p, k, i: p.created[k],
    "lastModified": lambda w, p, k, i: p.modified[k],
    "gated": lambda w, p, k, i: g.GATED_VALUES[w._t.gated[i]],
    "sha": lambda w, p, k, i: w._sha(i, p.last_modified_s[k]),
    "safetensors": lambda w, p, k, i: w._safetensors(i),
    "gguf": lambda w, p, k, i: w._gguf(i),
    "siblings": lambda w, p, k, i: w._siblings(i),
    "spaces": lambda w, p, k, i: [],
    "config": lambda w, p, k, i: w._config(i),
    "usedStorage": lambda w, p, k, i: w._used_storage(i),
    "baseModels": lambda w, p, k, i: w._base_models(i),
    "childrenModelCount": lambda w, p, k, i: w._children_count(i, p.day),
}
