/**
 * The control plane: the one place that creates, edits, stops, starts and removes streams, validated against the
 * metatypes of the stream and of its capture plugin, with an audit trail. Used alike by the shell, the admin API and
 * the admin console, so the three accept and refuse exactly the same input.
 */
@Export
@Version("1.0.0")
package io.sightline.api.control;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
