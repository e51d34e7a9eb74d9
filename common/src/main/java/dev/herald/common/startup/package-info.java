/** Checks that refuse a start which could only fail later: a Redis too old for the script, a port in use. */
package dev.herald.common.startup;
