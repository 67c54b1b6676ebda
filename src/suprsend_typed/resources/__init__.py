"""The client's resource namespaces: ``workflows``, ``events``, ``users``/``user`` and ``messages``."""

from .events import EventsResource
from .messages import MessagesResource
from .users import UserFactory, UsersResource
from .workflows import WorkflowsResource

__all__ = ["EventsResource", "MessagesResource", "UserFactory", "UsersResource", "WorkflowsResource"]
