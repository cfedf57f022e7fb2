package dev.inference.ledger.service.config;

import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.inference.ledger.kernel.event.EventTypes;

/**
 * Axon's Jackson serializer, storing each event under its contract name and revision ({@link EventTypes}) instead of
 * its Java class name, and reading both those names and the class names of rows stored before them.
 */
final class EventSerializer extends JacksonSerializer {

    private EventSerializer(Builder builder) {
        super(builder);
    }

    static EventSerializer of(ObjectMapper mapper) {
        return new EventSerializer(JacksonSerializer.builder().objectMapper(mapper));
    }

    @Override
    public SerializedType typeForClass(Class type) {
        return EventTypes.of(type).<SerializedType>map(t -> new SimpleSerializedType(t.name(), t.revision()))
                .orElseGet(() -> super.typeForClass(type));
    }

    @Override
    protected String resolveClassName(SerializedType type) {
        return EventTypes.named(type.getName()).map(t -> t.type().getName()).orElseGet(() -> super.resolveClassName(type));
    }
}
