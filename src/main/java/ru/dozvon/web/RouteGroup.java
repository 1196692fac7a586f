package ru.dozvon.web;

import io.vertx.ext.web.Router;

/** A feature's HTTP routes, mounted under {@code /api} behind authentication. */
public interface RouteGroup {
  void mount(Router api);
}
