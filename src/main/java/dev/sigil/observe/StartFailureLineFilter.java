package dev.sigil.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Javalin's "Failed to start Javalin": it comes just before Sigil's own one line saying what failed and what
 * to change (see {@code dev.sigil.StartupErrors}), so an operator would read two lines for one mistake. Javalin logs
 * everything through one logger, so only this message is dropped, not the logger. Registered in logback.xml.
 */
public final class StartFailureLineFilter extends TurboFilter {
    static final String JAVALIN_LOGGER = "io.javalin.Javalin";
    static final String MESSAGE = "Failed to start Javalin";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        return level == Level.ERROR && MESSAGE.equals(format) && JAVALIN_LOGGER.equals(logger.getName())
                ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
