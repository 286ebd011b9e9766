// Embed slots (model::Embed): a readOnly object property named like a reference minus its `Id`
// (`author` beside `authorId: {x-apiserver-references: users}`) holds the row it names, and a
// readOnly array property named like a nested collection (`comments` for
// /posts/{postId}/comments) holds the item's children, when a read or list asks for them with
// `embed`. Slots are not stored: their columns are taken out of the resource. Found once every
// reference and nested collection is tied.
#pragma once

#include "model/model.hpp"

namespace apiserver::compile {

void find_embeds(model::Api& api);

}  // namespace apiserver::compile
