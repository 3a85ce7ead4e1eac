-- What every known model works on, and whether it is a language model (its core models
-- natural-language text), keyed on model_uid. The first evidence that decides:
--   1. pipeline_tag: its own pipeline tag, read in the seed hub_pipeline_tags;
--   2. family_root: without one, its family root's pipeline tag (int_model_families): a
--      quantization, adapter, fine-tune or merge does what the model it derives from does;
--   3. architecture_tag: a tag naming an architecture of one kind (the seed
--      hub_modality_evidence: `llama` is a causal language model), the first in tag order;
--   4. library: a library of one kind of model (`diffusers`, `sentence-transformers`...);
--   5. unknown: nothing clear. task_modality `unknown`, is_language_model NULL: counted
--      apart, never dropped.
-- A pipeline tag outside the Hub's vocabulary decides nothing (the next evidence is read).


{{ model_modality(ref('int_hub_models'), ref('int_model_families')) }}
