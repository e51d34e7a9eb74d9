/** Reading Redis: tailing partition feeds for live delivery, paging topic histories for resumes. */
package dev.herald.gateway.read;
