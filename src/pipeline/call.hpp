// What the pipeline has learned about a request by the time it is handled.
#pragma once

#include "auth/authenticator.hpp"
#include "http/request.hpp"
#include "http/uri.hpp"
#include "model/model.hpp"
#include "pipeline/body.hpp"
#include "pipeline/later.hpp"
#include "pipeline/parameters.hpp"

namespace apiserver::pipeline {

struct Call {
  const http::Request& request;
  const model::Operation& operation;
  const http::QueryParams& query;  // decoded, in order
  const ParameterValues& parameters;
  // Not const: a handler may take the parsed item out of it (take_item); nothing reads it after
  // the handler.
  Body& body;
  // Parameter errors found so far. Only list runs with some: it adds its own
  // (unknown filters, bad sort) so the client learns of all of them at once.
  const std::vector<FieldError>& errors;
  const model::Identity& identity;     // who the security requirements identified
  const LaterSource* later = nullptr;  // how to answer after the handler returned
};

}  // namespace apiserver::pipeline
