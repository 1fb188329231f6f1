"""The one resource every asset uses: the warehouse settings."""

import dagster as dg

from pipelines.config import Settings, load_settings


class PcmdResource(dg.ConfigurableResource):
    """Where the warehouse lives; empty `home` means $PCMD_HOME (default ./warehouse)."""

    home: str = ""

    def settings(self) -> Settings:
        return load_settings(self.home or None)
