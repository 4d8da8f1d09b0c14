"""The parts of omnibase-infra 0.38.76 (MIT, see ../LICENSE.omnibase_infra) its declarative-node validator imports."""
