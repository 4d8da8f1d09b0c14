"""Survey reducer: a declarative FSM state tracker."""
