# Run by CPack after staging the install tree, once per generator (CPACK_PRE_BUILD_SCRIPTS);
# the packages' file lists are taken after it.
if(CPACK_GENERATOR STREQUAL "RPM")
  set(root "${CPACK_TEMPORARY_INSTALL_DIRECTORY}")
  # The unit is installed with Debian's EnvironmentFile; RPM distributions use /etc/sysconfig.
  file(GLOB_RECURSE units "${root}/*/apiserver.service")
  if(NOT units)
    message(FATAL_ERROR "apiserver.service not found under ${root}")
  endif()
  foreach(unit IN LISTS units)
    file(READ "${unit}" text)
    string(REPLACE "/etc/default/apiserver" "/etc/sysconfig/apiserver" text "${text}")
    file(WRITE "${unit}" "${text}")
  endforeach()
  # The Debian changelog is for the deb; the rpm has its %changelog.
  file(GLOB_RECURSE debian_changelogs "${root}/*/share/doc/apiserver/changelog.gz")
  if(debian_changelogs)
    file(REMOVE ${debian_changelogs})
  endif()
endif()
