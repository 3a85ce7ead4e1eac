"""Model tags as the Hub writes them, and the vectorised test `filter=<tag>` needs.

A model's tags are assembled from its attribute codes in the Hub's order: library, weight formats,
architecture, pipeline tag, card tags, languages, `base_model:` lineage, licence, tags the Hub
computes (`autotrain_compatible`, `4-bit`, `endpoints_compatible`...), region. `mask(tag)` answers
"which models carry this tag" from the same codes, without building any tag list; the test suite
checks both against each other on a whole world.
"""

from collections.abc import Callable

import numpy as np

from simulated_hub import generation as g
from simulated_hub import taxonomy as tx

GHOST_SUFFIX = "-private"  # a declared base absent from the world: its parent's id + this suffix
CARD_FLAG_TAGS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (g.LORA, ("lora",)),
    (g.SD_LORA, ("template:sd-lora",)),
    (g.MERGEKIT, ("mergekit", "merge")),
    (g.GENERATED_FROM_TRAINER, ("generated_from_trainer",)),
    (g.CUSTOM_CODE, ("custom_code",)),
)
HUB_FLAG_TAGS: tuple[tuple[int, str], ...] = (
    (g.AUTOTRAIN, "autotrain_compatible"),
    (g.TGI, "text-generation-inference"),
    (g.FOUR_BIT, "4-bit"),
    (g.GPTQ_TAG, "gptq"),
    (g.AWQ_TAG, "awq"),
    (g.ENDPOINTS, "endpoints_compatible"),
)
KIND_OF_RELATION: dict[str, int] = {relation: kind for kind, relation in tx.RELATION_OF_KIND.items()}


class Tags:
    def __init__(self, table: g.ModelTable, index_of: Callable[[str], int | None]):
        self._t = table
        self._index_of = index_of
        self._model_type = [f.model_type for f in tx.FAMILIES]
        self._card_tags = [f.card_tags for f in tx.FAMILIES]
        self._languages = [name for name, _ in tx.LANGUAGES]
        self._flag_bits: dict[str, int] = {"conversational": g.CONVERSATIONAL, "imatrix": g.IMATRIX}
        for bit, names in CARD_FLAG_TAGS:
            for name in names:
                self._flag_bits[name] = bit
        for bit, name in HUB_FLAG_TAGS:
            self._flag_bits[name] = bit

    def declared_bases(self, i: int) -> list[tuple[str, str]]:
        """(relation, id) of each base the model's card declares, in tag order."""
        t = self._t
        if t.self_ref[i]:
            return [("finetune", str(t.ids[i]))]
        if not t.declared[i]:
            return []
        relation = tx.RELATION_OF_KIND.get(int(t.kind[i]), tx.COMPONENTS_RELATION)
        bases = [str(t.ids[p]) for p in t.parents[i].tolist() if p >= 0]
        if t.ghost[i]:
            bases[0] += GHOST_SUFFIX
        return [(relation, base) for base in bases]

    def of(self, i: int) -> list[str]:
        return self.of_many(np.array([i]))[0]

    def of_many(self, idx: np.ndarray) -> list[list[str]]:
        """Tags of several models; the attribute columns are read once, as Python ints."""
        t = self._t
        columns = zip(
            *(
                getattr(t, name)[idx].tolist()
                for name in (
                    "library",
                    "formats",
                    "flags",
                    "family",
                    "pipeline",
                    "languages",
                    "license",
                    "quant",
                )
            ),
            strict=True,
        )
        return [self._build(i, *row) for i, row in zip(idx.tolist(), columns, strict=True)]

    def _build(
        self,
        i: int,
        library: int,
        formats: int,
        flags: int,
        fam: int,
        pipeline: int,
        languages: int,
        license_: int,
        quant: int,
    ) -> list[str]:
        gguf_only = quant == tx.GGUF
        tags: list[str] = []
        if library >= 0:
            tags.append(self._t.libraries[library])
        tags.extend(name for bit, name in g.FORMAT_TAGS if formats & bit)
        if flags & g.ARCH_TAG:
            tags.append(self._model_type[fam])
        if pipeline >= 0:
            tags.append(tx.PIPELINES[pipeline])
        if flags & g.OFFICIAL_TAGS:
            tags.extend(self._card_tags[fam])
        for bit, names in CARD_FLAG_TAGS:
            if flags & bit:
                tags.extend(names)
        if flags & g.CONVERSATIONAL and not gguf_only:
            tags.append("conversational")
        if languages:
            tags.extend(name for bit, name in enumerate(self._languages) if languages >> bit & 1)
        if flags & g.DECLARES_BASE:
            for relation, base in self.declared_bases(i):
                tags.extend((f"base_model:{base}", f"base_model:{relation}:{base}"))
        if license_ >= 0:
            tags.append(f"license:{self._t.licenses[license_]}")
        tags.extend(name for bit, name in HUB_FLAG_TAGS if flags & bit)
        tags.append("region:eu" if flags & g.REGION_EU else "region:us")
        if flags & g.IMATRIX:
            tags.append("imatrix")
        if flags & g.CONVERSATIONAL and gguf_only:
            tags.append("conversational")  # GGUF repos get it from their chat template, written last
        return list(dict.fromkeys(tags))

    def mask(self, tag: str) -> np.ndarray:
        """Boolean array over all models: which carry `tag`."""
        t = self._t
        n = len(t.kind)
        hit = np.zeros(n, dtype=bool)
        if tag.startswith("base_model:"):
            return self._base_model_mask(tag.removeprefix("base_model:"))
        if tag.startswith("license:"):
            name = tag.removeprefix("license:")
            return t.license == t.licenses.index(name) if name in t.licenses else hit
        if tag in ("region:us", "region:eu"):
            eu = (t.flags & g.REGION_EU) > 0
            return eu if tag == "region:eu" else ~eu
        if tag in t.libraries:
            hit |= t.library == t.libraries.index(tag)
        for bit, name in g.FORMAT_TAGS:
            if tag == name:
                hit |= (t.formats & bit) > 0
        families = [f for f, model_type in enumerate(self._model_type) if model_type == tag]
        if families:
            hit |= ((t.flags & g.ARCH_TAG) > 0) & np.isin(t.family, families)
        if tag in tx.PIPELINES:
            hit |= t.pipeline == tx.PIPELINES.index(tag)
        families = [f for f, tags in enumerate(self._card_tags) if tag in tags]
        if families:
            hit |= ((t.flags & g.OFFICIAL_TAGS) > 0) & np.isin(t.family, families)
        if tag in self._flag_bits:
            hit |= (t.flags & self._flag_bits[tag]) > 0
        if tag in self._languages:
            hit |= (t.languages >> self._languages.index(tag) & 1) > 0
        return hit

    def _base_model_mask(self, rest: str) -> np.ndarray:
        t = self._t
        relation, sep, target = rest.partition(":")
        if not sep:
            relation, target = "", rest
        elif relation not in KIND_OF_RELATION:
            return np.zeros(len(t.kind), dtype=bool)
        hit = np.zeros(len(t.kind), dtype=bool)
        index = self._index_of(target)
        if index is not None:
            hit |= t.declared & ~t.ghost & (t.parents == index).any(axis=1)
            hit[index] |= bool(t.self_ref[index])
        if target.endswith(GHOST_SUFFIX):
            parent = self._index_of(target.removesuffix(GHOST_SUFFIX))
            if parent is not None:
                hit |= t.ghost & (t.parents[:, 0] == parent)
        if relation:
            kind = KIND_OF_RELATION[relation]
            components = (t.kind == tx.BASE) & t.declared & (relation == tx.COMPONENTS_RELATION)
            hit &= (t.kind == kind) | (t.self_ref & (kind == tx.FINETUNE)) | components
        return hit
