"""Rules as code for compute-voucher (算力券) programs.

Programs are YAML data (``programs/<id>.yaml``): dated versions, parameters with a value, a
unit and a reference to the corpus clause they come from, eligibility conditions with the
question to ask, and tiers. The functions below are the library API the assistant's tools,
the CLI and the web app call::

    from assistant.rules import (load_programs, get_program, calculate, check_eligibility,
                                 compare, RulesInputError, UnknownProgramError)

A program file may hold several schemes (compute, model, corpus, data, labelling, provider,
award): ``list_schemes()`` lists them all, ``get_scheme(id, voucher)`` picks one, and
``calculate(id, amount, voucher="model")`` computes it.
"""

from assistant.rules.calculator import Calculation, Step, calculate, calculate_claims
from assistant.rules.compare import Comparison, ComparisonRow, compare
from assistant.rules.eligibility import Eligibility, check_eligibility
from assistant.rules.errors import ProgramDefinitionError, RulesInputError, UnknownProgramError
from assistant.rules.facts import FACTS
from assistant.rules.loader import get_program, load_programs
from assistant.rules.model import VOUCHER_LABELS, VOUCHER_TYPES, Program, Reference
from assistant.rules.notices import Notice
from assistant.rules.schemes import SchemeSummary, all_schemes, get_scheme, list_schemes, normalize_voucher

__all__ = [
    "FACTS",
    "Calculation",
    "Comparison",
    "ComparisonRow",
    "Eligibility",
    "Notice",
    "Program",
    "ProgramDefinitionError",
    "Reference",
    "RulesInputError",
    "SchemeSummary",
    "Step",
    "UnknownProgramError",
    "VOUCHER_LABELS",
    "VOUCHER_TYPES",
    "all_schemes",
    "calculate",
    "calculate_claims",
    "check_eligibility",
    "compare",
    "get_program",
    "get_scheme",
    "list_schemes",
    "load_programs",
    "normalize_voucher",
]
