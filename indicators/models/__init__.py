from indicators.models.catalogue import Feature, Product
from indicators.models.events import AccountDay, ContactDay, Event, EventType, IngestionError

__all__ = ["AccountDay", "ContactDay", "Event", "EventType", "Feature", "IngestionError", "Product"]
