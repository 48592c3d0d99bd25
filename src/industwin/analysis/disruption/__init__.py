"""The "what if" twin: supply shocks, their spread and recovery, and interventions tested before paying for them.

* **Scenarios** (:mod:`.scenario`: :class:`Scenario`, :func:`read_scenario`): a YAML or JSON file validated by a
  typed schema — capacity shocks to any country-sectors, final-demand shocks, trade links cut or taxed,
  interventions (stockpiles, supplier diversification, reshoring / nearshoring / friendshoring, demand
  visibility), the engine's parameters, the horizon and the outputs wanted. Errors name the field.
* **Static analysis** (:mod:`.static`: :func:`leontief_impact`, :func:`ghosh_impact`, :func:`mixed_impact`,
  :func:`static_impacts`): the quick first answer of the demand-driven, supply-driven and mixed models.
* **Dynamic simulation** (:mod:`.simulate`: :func:`run_scenario`): the ARIO engine of
  :mod:`industwin.core.ario`, run for the baseline shock and for each intervention alone and all together,
  with the loss each avoids against its cost.
* **Risk assessment** (:mod:`.risk`: :func:`risk_assessment`): Monte Carlo over shocks (which node, how deep,
  how long) on Dask, reproducible from a seed: expected loss, value at risk, the nodes whose failure costs most.
"""

from industwin.analysis.disruption.risk import RiskAssessment, risk_assessment
from industwin.analysis.disruption.scenario import Parameters, Scenario, check_scenario, read_scenario, rows_of
from industwin.analysis.disruption.simulate import (ScenarioResult, check_scenario_memory, run_count, run_file_stem,
                                                    run_labels, run_scenario, scenario_model)
from industwin.analysis.disruption.static import (ghosh_impact, leontief_impact, mixed_impact, route_tariff_prices,
                                                  static_impacts)

__all__ = ["Scenario", "Parameters", "read_scenario", "check_scenario", "run_scenario", "run_count",
           "check_scenario_memory", "ScenarioResult", "leontief_impact", "ghosh_impact", "mixed_impact",
           "static_impacts", "risk_assessment", "RiskAssessment", "scenario_model", "route_tariff_prices", "rows_of",
           "run_labels", "run_file_stem"]
