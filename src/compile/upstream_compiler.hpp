// x-apiserver.upstream, x-apiserver-upstream (Path Item, Operation) -> Operation::forwarding.
#pragma once

#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::compile {

// The nearest declaration wins (operation, then path item, then document); `false` keeps an
// operation stored or mocked. A declaration is a URL or a mapping with `url` and the
// forwarding settings; `${NAME}` and `${NAME:-default}` in the URL are read from the
// environment now, and an unset variable without a default is an error. Runs before resources
// are mapped: a forwarded operation is never stored.
void compile_upstreams(const spec::Document& document, model::Api& api,
                       spec::Diagnostics& diagnostics);

// Names, in each forwarded operation, the credentials its security schemes read, which are
// removed from what is forwarded unless the upstream passes credentials. Runs once the
// security schemes are compiled.
void find_forwarded_credentials(model::Api& api);

}  // namespace apiserver::compile
