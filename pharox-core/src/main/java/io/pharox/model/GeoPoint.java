package io.pharox.model;

/**
 * A point on Earth in decimal degrees (WGS 84).
 *
 * @param latitude  −90..90
 * @param longitude −180..180
 */
public record GeoPoint(double latitude, double longitude) {

    /** Mean Earth radius in kilometres (IUGG), used by {@link #distanceKm(GeoPoint)}. */
    public static final double EARTH_RADIUS_KM = 6371.0088;

    /**
     * @throws IllegalArgumentException if a coordinate is out of range or not a number
     */
    public GeoPoint {
        if (!(latitude >= -90.0 && latitude <= 90.0)) {
            throw new IllegalArgumentException("latitude must be -90..90, was " + latitude);
        }
        if (!(longitude >= -180.0 && longitude <= 180.0)) {
            throw new IllegalArgumentException("longitude must be -180..180, was " + longitude);
        }
    }

    /**
     * Great-circle distance to {@code other} by the haversine formula, in kilometres.
     *
     * @throws NullPointerException if {@code other} is {@code null}
     */
    public double distanceKm(GeoPoint other) {
        double lat1 = Math.toRadians(latitude);
        double lat2 = Math.toRadians(other.latitude);
        double dLat = lat2 - lat1;
        double dLon = Math.toRadians(other.longitude - longitude);
        double h = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1.0, Math.sqrt(h)));
    }
}
