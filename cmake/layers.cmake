# The layers, lowest first: tessera_layer(folder may-include...). A file may include headers of
# its own layer and of the folders listed, which must name lower layers ("core" names every core
# layer, "domains" every domain); anything else fails the build (cmake/check_layers.cmake).
# `domains/*` makes each folder under domains/ a layer of its own: a domain never includes another.

# core: nothing here knows a domain or anything above core.
tessera_layer(core/util)
tessera_layer(core/config    core/util)
# Device, DType and the Allocator interface: the vocabulary shared by the CUDA runtime and tensors.
tessera_layer(core/device    core/util)
tessera_layer(core/cuda      core/util core/device)
tessera_layer(core/tensor    core/util core/device core/cuda)
tessera_layer(core/autograd  core/util core/device core/tensor)
tessera_layer(core/ops       core/util core/device core/cuda core/tensor core/autograd)
tessera_layer(core/nn        core/util core/config core/device core/tensor core/autograd core/ops)
tessera_layer(core/optim     core/util core/device core/cuda core/tensor core/autograd core/ops core/nn)
tessera_layer(core/io        core/util core/device core/cuda core/tensor core/nn)
tessera_layer(core/dist      core/util core/device core/cuda core/tensor core/io)
tessera_layer(core/task      core/util core/config core/device core/tensor core/nn core/io)

tessera_layer(eval           core)
tessera_layer(modalities     core)
tessera_layer(domains/plugin core eval)
tessera_layer(domains/*      core eval modalities domains/plugin)
tessera_layer(training       core)
tessera_layer(governance     core eval training)
tessera_layer(bench          core modalities eval domains training)
tessera_layer(cli            core eval modalities domains training governance bench)
tessera_layer(tests          core eval modalities domains training governance bench cli)

