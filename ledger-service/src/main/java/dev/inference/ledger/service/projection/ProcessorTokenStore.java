package dev.inference.ledger.service.projection;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;

/**
 * The processors' token store. It claims segments only of the processors whose role this instance has
 * (ProcessorRoles: a refused claim is what another instance's claim looks like to a processor, which then
 * waits), and watches each position it stores for gaps given up on (GapWatch), remembering the position
 * it last stored or handed out per segment, so the comparison costs no read.
 */
public class ProcessorTokenStore implements TokenStore {

    private final TokenStore delegate;
    private final ProcessorRoles roles;
    private final GapWatch watch;
    private final Map<String, TrackingToken> positions = new ConcurrentHashMap<>();

    public ProcessorTokenStore(TokenStore delegate, ProcessorRoles roles, GapWatch watch) {
        this.delegate = delegate;
        this.roles = roles;
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
        refuseOtherRoles(processorName);
        return remember(processorName, segment, delegate.fetchToken(processorName, segment));
    }

    @Override
    public TrackingToken fetchToken(String processorName, Segment segment) {
        refuseOtherRoles(processorName);
        return remember(processorName, segment.getSegmentId(), delegate.fetchToken(processorName, segment));
    }

    private void refuseOtherRoles(String processorName) {
        if (!roles.runs(processorName)) {
            throw new UnableToClaimTokenException(processorName + " runs on the instances of role "
                    + roles.roleOf(processorName) + ", not on this one");
        }
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
        return roles.runs(processorName) ? delegate.fetchAvailableSegments(processorName) : List.of();
    }

    @Override
    public Optional<String> retrieveStorageIdentifier() {
        return delegate.retrieveStorageIdentifier();
    }

    private static String key(String processorName, int segment) {
        return processorName + "#" + segment;
    }
}
