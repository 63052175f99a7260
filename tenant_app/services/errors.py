"""The one base class of errors a user can cause: views show their message and roll back;
any other exception is a bug and stays a 500."""


class DomainError(ValueError):
    """A request the domain refuses, with a message fit for the user (already translated)."""
