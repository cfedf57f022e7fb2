package dev.inference.ledger.service.projection;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;

/**
 * The processors' token store, watching each position it stores for gaps it gave up on (GapWatch). It
 * remembers the position it last stored or handed out per segment, so the comparison costs no read.
 */
public class GapWatchingTokenStore implements TokenStore {

    private final TokenStore delegate;
    private final GapWatch watch;
    private final Map<String, TrackingToken> positions = new ConcurrentHashMap<>();

    public GapWatchingTokenStore(TokenStore delegate, GapWatch watch) {
        this.delegate = delegate;
        this.watch = watch;
    }

    @Override
    public void storeToken(TrackingToken token, String processorName, int segment) {
        delegate.storeToken(token, processorName, segment);
        TrackingToken before = positions.put(key(processorName, segment), token);
        watch.moved(processorName, segment, before, token);
    }

    @Override
    public TrackingToken fetchToken(String processorName, int segment) {
        return remember(processorName, segment, delegate.fetchToken(processorName, segment));
    }

    @Override
    public TrackingToken fetchToken(String processorName, Segment segment) {
        return remember(processorName, segment.getSegmentId(), delegate.fetchToken(processorName, segment));
    }

    private TrackingToken remember(String processorName, int segment, TrackingToken token) {
        if (token == null) {
            positions.remove(key(processorName, segment));
        } else {
            positions.put(key(processorName, segment), token);
        }
        return token;
    }

    @Override
    public void releaseClaim(String processorName, int segment) {
        positions.remove(key(processorName, segment));
        delegate.releaseClaim(processorName, segment);
    }

    @Override
    public void deleteToken(String processorName, int segment) {
        positions.remove(key(processorName, segment));
        delegate.deleteToken(processorName, segment);
    }

    @Override
    public void initializeTokenSegments(String processorName, int segmentCount) {
        delegate.initializeTokenSegments(processorName, segmentCount);
    }

    @Override
    public void initializeTokenSegments(String processorName, int segmentCount, TrackingToken initialToken) {
        delegate.initializeTokenSegments(processorName, segmentCount, initialToken);
    }

    @Override
    public void initializeSegment(TrackingToken token, String processorName, int segment) {
        delegate.initializeSegment(token, processorName, segment);
    }

    @Override
    public void extendClaim(String processorName, int segment) {
        delegate.extendClaim(processorName, segment);
    }

    @Override
    public boolean requiresExplicitSegmentInitialization() {
        return delegate.requiresExplicitSegmentInitialization();
    }

    @Override
    public int[] fetchSegments(String processorName) {
        return delegate.fetchSegments(processorName);
    }

    @Override
    public List<Segment> fetchAvailableSegments(String processorName) {
        return delegate.fetchAvailableSegments(processorName);
    }

    @Override
    public Optional<String> retrieveStorageIdentifier() {
        return delegate.retrieveStorageIdentifier();
    }

    private static String key(String processorName, int segment) {
        return processorName + "#" + segment;
    }
}
