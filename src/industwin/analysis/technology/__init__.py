"""Technology adoption scenarios: a sector's input recipe, labour and emission coefficients and capital needs
changed along an S-shaped adoption path, projected year by year against the baseline (gross output, value added,
jobs, emissions, investment). Documented in ``docs/technology.md``.

* **Scenarios** (:mod:`.scenario`): :class:`TechnologyScenario` read by :func:`read_technology_scenario` and
  checked against a table by :func:`check_technology`; the packaged library (:func:`library`) and
  :func:`default_scenario` for an economy.
* **Computation** (:mod:`.adoption`): :func:`run_technology` (a low-rank Woodbury update of the cached Leontief
  factorisation per year), :class:`TechnologyResult`, :func:`summary`, :func:`logistic_share`.
"""

from industwin.analysis.technology.adoption import (
                                                    MEASURES,
                                                    TechnologyResult,
                                                    column_change,
                                                    investment_weights,
                                                    logistic_share,
                                                    run_technology,
                                                    summary,
)
from industwin.analysis.technology.scenario import (
                                                    Adoption,
                                                    Capital,
                                                    Technology,
                                                    TechnologyScenario,
                                                    check_technology,
                                                    default_scenario,
                                                    library,
                                                    read_technology_scenario,
)

__all__ = [
                                                    "MEASURES",
                                                    "Adoption",
                                                    "Capital",
                                                    "Technology",
                                                    "TechnologyResult",
                                                    "TechnologyScenario",
                                                    "check_technology",
                                                    "column_change",
                                                    "default_scenario",
                                                    "investment_weights",
                                                    "library",
                                                    "logistic_share",
                                                    "read_technology_scenario",
                                                    "run_technology",
                                                    "summary",
]
