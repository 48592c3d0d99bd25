"""The numerical engine: Leontief / Ghosh / price models, multipliers and footprints."""

from industwin.core.accounts import (EmbodiedAccounts, embodied_accounts, footprint, intensities,
                                     output_multipliers, satellite_multipliers, sector_accounts,
                                     value_added_multipliers)
from industwin.core.leontief import (allocation_coefficients, cost_push, ghosh_inverse, gross_output,
                                     leontief_inverse, prices, supply_driven_output, technical_coefficients)

__all__ = ["technical_coefficients", "allocation_coefficients", "leontief_inverse", "ghosh_inverse", "gross_output",
           "supply_driven_output", "prices", "cost_push", "output_multipliers", "value_added_multipliers",
           "satellite_multipliers", "intensities", "footprint", "EmbodiedAccounts", "embodied_accounts",
           "sector_accounts"]
