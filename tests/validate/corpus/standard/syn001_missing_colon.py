"""A handler module with a missing colon: nothing else can be checked in it."""


def handle(request: dict[str, str]) -> dict[str, str]  # expect: SYN001
    return request
