"""Events: publishing, declared (subscribed and published) events, typed event handlers."""
