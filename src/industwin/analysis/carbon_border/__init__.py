"""A world decarbonisation lens: carbon prices by region, with and without a border carbon adjustment — the model
(:mod:`.model`) and its scenario files (:mod:`.scenario`)."""

from industwin.analysis.carbon_border.model import (
                                                    CBAM_SECTORS_WIOD13,
                                                    GROUPS,
                                                    OPTIONAL_SECTORS_WIOD13,
                                                    Bloc,
                                                    BorderResult,
                                                    carbon_border,
                                                    money_unit,
                                                    tonnes_per_unit,
)
from industwin.analysis.carbon_border.scenario import (
                                                    BorderSpec,
                                                    LeakageSpec,
                                                    PriceSpec,
                                                    Scenario,
                                                    check_scenario,
                                                    read_scenario,
                                                    run_scenario,
)

__all__ = ["CBAM_SECTORS_WIOD13", "GROUPS", "OPTIONAL_SECTORS_WIOD13", "Bloc", "BorderResult", "BorderSpec",
           "LeakageSpec", "PriceSpec", "Scenario", "carbon_border", "check_scenario", "money_unit", "read_scenario",
           "run_scenario", "tonnes_per_unit"]
