"""The class the simulated world's ground truth gives a model, for the tests that check the
pipeline's classes model by model (tests/census, tests/sizes, the end-to-end test).

A model is classed by its true size when the pipeline sized it from evidence that cannot mislead
on the simulated Hub (its weights' metadata, or a base's resolved size), and by the size its own
name states when the name was all there was (`SyntheticWorld.stated_parameters_of`: a release's
published count where the name writes one, `mistral-7b-tempo`, else its size label): the world
writes wrong sizes on purpose, nominal ones (`dolphin-7b` on a 6.74 B model) and release names on
community models a little smaller or larger than the release, which a reader of the name alone
cannot know. A name that states no size leaves the model `unknown`.
"""

from simulated_hub.world import SyntheticWorld

SLM_MAX_PARAMS = 7_000_000_000  # the study's threshold: >= 7e9 is an LLM
# Sizes read from the weights' metadata or from a base's resolved size: the world's true sizes.
SIZED_BY_EVIDENCE = ("safetensors", "gguf", "base_model")
# Sizes read from the model's own name: a release's published count (`known_base`) or the label.
SIZED_BY_NAME = ("known_base", "name")


def class_of_count(parameters: int) -> str:
    return "LLM" if parameters >= SLM_MAX_PARAMS else "SLM"


def true_class(world: SyntheticWorld, model_id: str) -> str:
    return class_of_count(world.true_parameters_of(model_id))


def expected_class(world: SyntheticWorld, model_id: str, source: str) -> str:
    """The class of `model_id` when the pipeline sized it from `source`: by its true size from
    evidence, by what its name states from its name. A release named without a size label
    (`Phi-3-mini-4k-instruct`) states no count the world can read, and its published count is
    the release's true size."""
    if source in SIZED_BY_EVIDENCE:
        return true_class(world, model_id)
    stated = world.stated_parameters_of(model_id)
    if stated is not None:
        return class_of_count(stated)
    return true_class(world, model_id) if source == "known_base" else "unknown"
